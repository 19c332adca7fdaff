import DriftwatchCore
import DriftwatchDemo
import Testing

/// Each incident moves the signal it is about by roughly its effect size from its start on, and nothing before.
/// Workloads run two hours at 500 requests/minute with the incident at 1 h; tolerances are several standard
/// errors of the measured rates.
@Suite struct IncidentTests {
    @Test func retrievalIndexChangeRaisesGroundedFailuresOnTheNewIndex() throws {
        var before = Tally(), after = Tally(), emptyBefore = Tally(), emptyAfter = Tally()
        var topBefore = Mean(), topAfter = Mean()
        var newIndexBefore = 0, claimsOnNewIndex = 0
        try scan(scenario(["retrieval_index_change@1h:effect=0.3"], rpm: 500)) { r in
            guard let retrieval = r.retrieval else { return }
            guard r.service == "support-copilot" else {
                if retrieval.indexVersion != "claims-2024-11" { claimsOnNewIndex += 1 }
                return
            }
            let grounded = r.passed("grounded") == false
            if r.offsetMicros < hourMicros {
                if retrieval.indexVersion == "kb-2025-01-07" { newIndexBefore += 1 }
                before.add(grounded)
                emptyBefore.add(retrieval.evidence.isEmpty)
                if let s = retrieval.evidence.first?.score { topBefore.add(s) }
            } else {
                #expect(retrieval.indexVersion == "kb-2025-01-07")
                after.add(grounded)
                emptyAfter.add(retrieval.evidence.isEmpty)
                if let s = retrieval.evidence.first?.score { topAfter.add(s) }
            }
        }
        #expect(newIndexBefore == 0)
        #expect(claimsOnNewIndex == 0)
        #expect(before.rate < 0.05, "\(before)")
        #expect(abs(after.rate - before.rate - 0.3) < 0.04, "before \(before) after \(after)")
        #expect(emptyAfter.rate - emptyBefore.rate > 0.06, "\(emptyBefore) \(emptyAfter)")
        #expect(topBefore.value - topAfter.value > 0.08, "\(topBefore.value) \(topAfter.value)")
    }

    @Test func toolOutageFailsThatToolAtTheRate() throws {
        var refundBefore = Tally(), refundAfter = Tally(), otherBefore = Tally(), otherAfter = Tally()
        var successBefore = Tally(), successAfter = Tally()
        try scan(scenario(["tool_outage@1h:tool=refund_api,rate=0.6"], rpm: 500)) { r in
            let late = r.offsetMicros >= hourMicros
            for call in r.tools {
                let failed = call.status != .ok
                if call.name == "refund_api" {
                    if late { refundAfter.add(failed) } else { refundBefore.add(failed) }
                } else if late { otherAfter.add(failed) } else { otherBefore.add(failed) }
            }
            if r.task == "refund_question" {
                if late { successAfter.add(r.succeeded) } else { successBefore.add(r.succeeded) }
            }
        }
        #expect(refundBefore.rate < 0.03, "\(refundBefore)")
        #expect(abs(refundAfter.rate - refundBefore.rate - 0.6) < 0.04, "\(refundBefore) \(refundAfter)")
        #expect(abs(otherAfter.rate - otherBefore.rate) < 0.01, "\(otherBefore) \(otherAfter)")
        // Both attempts fail with probability about 0.6², so about a third of refund questions fail on top.
        #expect(successBefore.rate - successAfter.rate > 0.25, "\(successBefore) \(successAfter)")
    }

    @Test func templateCanaryBreaksTheSchemaOnItsShare() throws {
        var canaryShare = Tally(), canarySchema = Tally(), oldAfter = Tally(), oldBefore = Tally()
        var canaryBefore = 0
        try scan(scenario(["template_canary@1h:share=0.3,effect=0.4"], rpm: 500)) { r in
            guard r.task == "refund_question", let template = r.template else {
                #expect(r.template?.version != "8")
                return
            }
            let schemaFailed = r.passed("schema") == false
            if r.offsetMicros < hourMicros {
                if template.version == "8" { canaryBefore += 1 }
                oldBefore.add(schemaFailed)
                return
            }
            canaryShare.add(template.version == "8")
            if template.version == "8" { canarySchema.add(schemaFailed) } else { oldAfter.add(schemaFailed) }
        }
        #expect(canaryBefore == 0)
        #expect(abs(canaryShare.rate - 0.3) < 0.03, "\(canaryShare)")
        #expect(abs(canarySchema.rate - oldAfter.rate - 0.4) < 0.05, "\(canarySchema) vs \(oldAfter)")
        #expect(abs(oldAfter.rate - oldBefore.rate) < 0.01, "\(oldBefore) \(oldAfter)")
    }

    @Test func checkpointRegressionHitsOnlyItsSlice() throws {
        var deBefore = Tally(), deAfter = Tally(), enBefore = Tally(), enAfter = Tally()
        var dePolicyBefore = Tally(), dePolicyAfter = Tally()
        var oldCheckpointAfter = 0
        try scan(scenario(["checkpoint_regression@1h:slice=language=de,effect=0.25"], rpm: 500)) { r in
            guard let model = r.model, model.tuned else { return }
            let late = r.offsetMicros >= hourMicros
            if late, model.version != "ckpt-0503" { oldCheckpointAfter += 1 }
            if !late { #expect(model.version == "ckpt-0412") }
            switch r.sliceString("language") {
            case "de":
                if late { deAfter.add(r.succeeded); dePolicyAfter.add(r.passed("policy") == false) } else {
                    deBefore.add(r.succeeded); dePolicyBefore.add(r.passed("policy") == false)
                }
            case "en":
                if late { enAfter.add(r.succeeded) } else { enBefore.add(r.succeeded) }
            default: break
            }
        }
        #expect(oldCheckpointAfter == 0)
        #expect(abs(dePolicyAfter.rate - dePolicyBefore.rate - 0.25) < 0.05, "\(dePolicyBefore) \(dePolicyAfter)")
        let drop = deBefore.rate - deAfter.rate
        #expect(drop > 0.15 && drop < 0.3, "\(deBefore) \(deAfter)")
        #expect(abs(enAfter.rate - enBefore.rate) < 0.02, "\(enBefore) \(enAfter)")
    }

    /// The mix moves, each slice's own success rate holds, and the total drops: a traffic problem.
    @Test func trafficShiftChangesTheMixNotTheRates() throws {
        var shareBefore = Tally(), shareAfter = Tally()
        var deBefore = Tally(), deAfter = Tally(), enBefore = Tally(), enAfter = Tally()
        try scan(scenario(["traffic_shift@1h:slice=language=de,share=0.5"], rpm: 500)) { r in
            let late = r.offsetMicros >= hourMicros
            let language = r.sliceString("language")
            if late { shareAfter.add(language == "de") } else { shareBefore.add(language == "de") }
            if language == "de" { if late { deAfter.add(r.succeeded) } else { deBefore.add(r.succeeded) } }
            if language == "en" { if late { enAfter.add(r.succeeded) } else { enBefore.add(r.succeeded) } }
        }
        #expect(abs(shareBefore.rate - 0.15) < 0.015, "\(shareBefore)")
        #expect(abs(shareAfter.rate - 0.5) < 0.015, "\(shareAfter)")
        #expect(abs(deAfter.rate - deBefore.rate) < 0.03, "\(deBefore) \(deAfter)")
        #expect(abs(enAfter.rate - enBefore.rate) < 0.03, "\(enBefore) \(enAfter)")

        // Against the same run without the shift: per-slice rates hold within sampling error, the total drops.
        var deBaseline = Tally(), deInjected = Tally(), totalBaseline = Tally(), totalInjected = Tally()
        try scanCounterfactual(["traffic_shift@1h:slice=language=de,share=0.5"]) { a, b in
            guard b.offsetMicros >= hourMicros else { return }
            if a.sliceString("language") == "de" { deBaseline.add(a.succeeded) }
            if b.sliceString("language") == "de" { deInjected.add(b.succeeded) }
            totalBaseline.add(a.succeeded)
            totalInjected.add(b.succeeded)
        }
        #expect(abs(deInjected.rate - deBaseline.rate) < 0.02, "\(deBaseline) \(deInjected)")
        #expect(totalBaseline.rate - totalInjected.rate > 0.01, "\(totalBaseline) \(totalInjected)")
    }

    @Test func languageShiftIsDriftWithoutQualityEffect() throws {
        var shareAfter = Tally(), baseline = Tally(), injected = Tally()
        try scanCounterfactual(["language_shift@1h:language=es,share=0.4"]) { a, b in
            guard b.offsetMicros >= hourMicros else { return }
            shareAfter.add(b.sliceString("language") == "es")
            baseline.add(a.succeeded)
            injected.add(b.succeeded)
        }
        #expect(abs(shareAfter.rate - 0.4) < 0.015, "\(shareAfter)")
        #expect(abs(injected.rate - baseline.rate) < 0.008, "\(baseline) \(injected)")
        #expect(try scenario(["language_shift@1h:language=es,share=0.4"]).groundTruth().first?.expectedAction == "none")
    }

    /// Relevance is unchanged, only the score scale moves, so grounding outcomes are the baseline's exactly.
    @Test func reindexLowersScoresButNotGrounding() throws {
        var topBaseline = Mean(), topInjected = Mean(), groundedBaseline = Tally(), groundedInjected = Tally()
        try scanCounterfactual(["reindex_lower_scores@1h:effect=0.12"]) { a, b in
            guard b.service == "support-copilot", let retrieval = b.retrieval else { return }
            let late = b.offsetMicros >= hourMicros
            #expect((retrieval.indexVersion == "kb-2025-01-09") == late)
            guard late else { return }
            if let s = a.retrieval?.evidence.first?.score { topBaseline.add(s) }
            if let s = retrieval.evidence.first?.score { topInjected.add(s) }
            groundedBaseline.add(a.passed("grounded") == false)
            groundedInjected.add(b.passed("grounded") == false)
        }
        #expect(abs(topBaseline.value - topInjected.value - 0.12) < 0.015, "\(topBaseline.value) \(topInjected.value)")
        #expect(groundedInjected.hits == groundedBaseline.hits, "\(groundedBaseline) \(groundedInjected)")
    }

    @Test func staleEvidenceAgesTheEvidence() throws {
        var ageBaseline = Mean(), ageInjected = Mean(), successBaseline = Tally(), successInjected = Tally()
        try scanCounterfactual(["stale_evidence@1h:share=0.7,days=180"]) { a, b in
            guard b.service == "support-copilot", b.offsetMicros >= hourMicros else { return }
            for e in a.retrieval?.evidence ?? [] { ageBaseline.add(Double(a.timestampMicros - e.updatedAtMicros!) / 86_400_000_000) }
            for e in b.retrieval?.evidence ?? [] { ageInjected.add(Double(b.timestampMicros - e.updatedAtMicros!) / 86_400_000_000) }
            successBaseline.add(a.succeeded)
            successInjected.add(b.succeeded)
        }
        #expect(abs(ageInjected.value - ageBaseline.value - 126) < 6, "\(ageBaseline.value) \(ageInjected.value)")
        #expect(successInjected.hits == successBaseline.hits, "\(successBaseline) \(successInjected)")
    }

    @Test func toolCallDropSkipsTheRequiredTool() throws {
        var calledBefore = Tally(), calledAfter = Tally(), successBefore = Tally(), successAfter = Tally()
        try scan(scenario(["tool_call_drop@1h:tool=order_status_api,rate=0.5,failure=0.5"], rpm: 500)) { r in
            guard r.task == "order_status" else { return }
            #expect(r.toolsExpected == ["order_status_api"])
            let called = r.tools.contains { $0.name == "order_status_api" }
            if r.offsetMicros >= hourMicros { calledAfter.add(called); successAfter.add(r.succeeded) } else {
                calledBefore.add(called); successBefore.add(r.succeeded)
            }
        }
        #expect(calledBefore.rate > 0.99, "\(calledBefore)")
        #expect(abs(calledAfter.rate - 0.5) < 0.03, "\(calledAfter)")
        #expect(abs(successBefore.rate - successAfter.rate - 0.25) < 0.05, "\(successBefore) \(successAfter)")
    }

    @Test func rampGrowsTheEffectLinearlyAndForEndsIt() throws {
        var firstHalf = Tally(), secondHalf = Tally(), afterEnd = Tally()
        let spec = "tool_outage@1h:tool=crm_lookup,rate=0.8,ramp=1h,for=1h30m"
        try scan(scenario([spec], hours: 3, rpm: 500)) { r in
            for call in r.tools where call.name == "crm_lookup" {
                let failed = call.status != .ok
                switch r.offsetMicros {
                case hourMicros..<(hourMicros * 3 / 2): firstHalf.add(failed)
                case (hourMicros * 3 / 2)..<(hourMicros * 2): secondHalf.add(failed)
                case (hourMicros * 5 / 2)...: afterEnd.add(failed)
                default: break
                }
            }
        }
        // Mean intensity is 1/4 over the first half hour and 3/4 over the second.
        #expect(abs(firstHalf.rate - 0.2) < 0.04, "\(firstHalf)")
        #expect(abs(secondHalf.rate - 0.6) < 0.04, "\(secondHalf)")
        #expect(afterEnd.rate < 0.03, "\(afterEnd)")
    }

    @Test(arguments: [
        ("retrieval_index_change@2h", "retrieval", "retrieval_fix", "retrieval.index_version", "kb-2025-01-07"),
        ("tool_outage@90m:tool=refund_api,rate=0.6", "tools", "tool_fix", "tool", "refund_api"),
        ("template_canary@1h:share=0.3", "wrapper", "wrapper_fix", "template.version", "8"),
        ("checkpoint_regression@3h:slice=language=de", "model", "targeted_retraining", "slices.language", "de"),
        ("traffic_shift@2h:slice=language=de,share=0.5", "traffic", "routing_change", "slices.language", "de"),
        ("language_shift@2h:language=de", "traffic", "routing_change", "slices.language", "de"),
        ("reindex_lower_scores@1h", "retrieval", "retrieval_fix", "retrieval.index_version", "kb-2025-01-09"),
        ("stale_evidence@1h:index=claims", "retrieval", "retrieval_fix", "retrieval.index_version", "claims-2024-11"),
        ("tool_call_drop@1h", "tools", "tool_fix", "tool", "order_status_api"),
        ("benign_template@1h", "wrapper", "none", "template.version", "5.1"),
        ("benign_tool@1h", "tools", "none", "tool", "crm_lookup"),
    ])
    func groundTruthLabels(spec: String, component: String, action: String, scopeKey: String, scopeValue: String) throws {
        let configuration = try scenario([spec])
        let labels = try configuration.groundTruth()
        #expect(labels.count == 1)
        let label = try #require(labels.first)
        #expect(label.component == component)
        #expect(label.expectedAction == action)
        #expect(label.scope[scopeKey] == scopeValue, "\(label.scope)")
        #expect(!label.affectedTasks.isEmpty)
        let change = try WorkloadSpecParser.parse(spec)
        let offset: Int64 = switch change {
        case .incident(let incident): incident.startOffsetMicros
        case .benign(let benign): benign.startOffsetMicros
        }
        #expect(label.startMicros == configuration.startMicros + offset)
        #expect(try WorkloadGenerator(configuration).groundTruth == labels)
    }
}
