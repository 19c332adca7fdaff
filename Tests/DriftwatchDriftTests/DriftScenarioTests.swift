import DriftwatchDrift
import Testing

/// Scenario tests on the demo generator: each injected drift is detected and leads to the
/// recommendation its ground truth names; a noise-only run raises no drift on unchanged features.
/// Without analyzer incidents every recommendation is a `watch`; the lever drift's rules point at is
/// its `suggestedAction` (DriftAgreementTests covers the join with incidents).
@Suite struct DriftScenarioTests {
    @Test func languageShiftTowardTheTunedModelsWorstSliceIsARoutingChange() throws {
        let report = try DriftScenario.run(["language_shift@1h30m:language=de,share=0.45"])
        let row = try #require(report.row("slices.language"))
        #expect(row.drifted, "\(DriftScenario.summary(report))")
        #expect(row.statistic == "jensenshannon")
        let routing = DriftScenario.suggested(report, "routing_change")
        #expect(routing.count == 1, "\(DriftScenario.summary(report))")
        #expect(routing.first?.slice == "language=de")
        #expect(routing.first?.model == "copilot-ft")
        #expect(routing.first?.routeTo == "gpt-4o", "\(DriftScenario.summary(report))")
        #expect(report.recommendations.allSatisfy { $0.action == "watch" })
        #expect(!report.recommendations.contains { $0.suggestedAction == "targeted_retraining" || $0.suggestedAction == "retrieval_fix" })
    }

    @Test func languageShiftTowardAWellServedSliceIsDriftWithoutAction() throws {
        let report = try DriftScenario.run(["language_shift@1h30m:language=es,share=0.45"])
        #expect(report.row("slices.language")?.drifted == true)
        let recs = report.recommendations
        #expect(!recs.contains { $0.action != "watch" || $0.suggestedAction != nil }, "\(DriftScenario.summary(report))")
        let none = try #require(recs.first { $0.features.contains("slices.language@all") })
        #expect(none.reason.contains("no action"))
    }

    @Test func reindexWithLowerScoresIsARetrievalFix() throws {
        let report = try DriftScenario.run(["reindex_lower_scores@1h30m"])
        let row = try #require(report.row("retrieval.top_score"))
        #expect(row.drifted && row.statistic == "wasserstein")
        #expect((row.current.mean ?? 1) < (row.reference.mean ?? 0) - 0.08)
        #expect(report.row("retrieval.mean_score")?.drifted == true)
        let fix = try #require(DriftScenario.suggested(report, "retrieval_fix").first, "\(DriftScenario.summary(report))")
        #expect(fix.features.contains("retrieval.top_score@all"))
        #expect(fix.reason.contains("kb-2025-01-09"))
        #expect(!report.recommendations.contains { ["routing_change", "targeted_retraining", "tool_fix"].contains($0.suggestedAction ?? "") })
    }

    @Test func staleEvidenceIsARetrievalFix() throws {
        let report = try DriftScenario.run(["stale_evidence@1h30m:days=180"])
        let row = try #require(report.row("retrieval.evidence_age_days"))
        #expect(row.drifted)
        #expect((row.current.mean ?? 0) > (row.reference.mean ?? 0) + 60)
        let fix = try #require(DriftScenario.suggested(report, "retrieval_fix").first, "\(DriftScenario.summary(report))")
        #expect(fix.features.contains("retrieval.evidence_age_days@all"))
        #expect(report.row("retrieval.top_score")?.drifted == false)
    }

    @Test func toolCalledLessOftenIsAToolFix() throws {
        let report = try DriftScenario.run(["tool_call_drop@1h30m:tool=order_status_api,rate=0.5"])
        #expect(report.row("tools.called")?.drifted == true, "\(DriftScenario.summary(report))")
        let fix = try #require(DriftScenario.suggested(report, "tool_fix").first, "\(DriftScenario.summary(report))")
        #expect(fix.tool == "order_status_api")
        let detector = try #require(report.detectors.first { $0.name == "tools.expected_missing_rate" })
        #expect(detector.adwinDetections + detector.pageHinkleyDetections > 0)
        #expect(!report.recommendations.contains { ["routing_change", "targeted_retraining", "retrieval_fix"].contains($0.suggestedAction ?? "") }, "\(DriftScenario.summary(report))")
    }

    @Test func checkpointRegressionOnOneSliceIsTargetedRetraining() throws {
        let report = try DriftScenario.run(["checkpoint_regression@1h30m:slice=language=de,effect=0.25"])
        let rec = try #require(DriftScenario.suggested(report, "targeted_retraining").first, "\(DriftScenario.summary(report))")
        #expect(rec.slice == "language=de")
        #expect(rec.model == "copilot-ft")
        #expect(rec.examples?.sliceKey == "language" && rec.examples?.sliceValue == "de" && rec.examples?.outcome == "failure")
        #expect(report.row("model.version")?.drifted == true)
    }

    @Test func noiseWithBenignVersionBumpsDriftsOnlyOnVersionFeatures() throws {
        let report = try DriftScenario.run([
            "benign_model@1h30m:model=tuned", "benign_template@1h40m:task=policy_lookup", "benign_index@1h50m:index=support",
            "benign_tool@1h20m:tool=crm_lookup",
        ])
        #expect(DriftScenario.driftedTags(report).isEmpty, "\(DriftScenario.summary(report))")
        let versions = report.features.filter { $0.drifted && $0.informational }.map(\.feature)
        #expect(Set(versions) == ["model.version", "template.version", "retrieval.index_version"])
        // A deploy is a known change the analyzer attributes: version rows are reported, not recommended on.
        #expect(report.recommendations.isEmpty, "\(DriftScenario.summary(report))")
        #expect(report.features.count > 300)
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func noiseOnlyRunsRaiseNoDrift(seed: UInt64) throws {
        let report = try DriftScenario.run([], seed: seed)
        #expect(report.features.filter(\.drifted).isEmpty, "\(DriftScenario.summary(report))")
        #expect(report.recommendations.isEmpty)
    }
}
