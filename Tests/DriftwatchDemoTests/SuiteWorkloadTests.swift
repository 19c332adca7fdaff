import DriftwatchCore
import DriftwatchDemo
import Testing

/// The workloads the analysis suite (`Benchmarks/AnalysisSuite`) needs: narrow task × slice × checkpoint
/// failures, slice-restricted index changes, a small template rollout, and linear ramps. Each test checks the
/// injected effect lands on its conjunction only, with tolerances of several standard errors.
@Suite struct SuiteWorkloadTests {
    /// The central case: policy failures rise only on long-context order_status requests served by the new
    /// checkpoint; the checkpoint itself serves every tuned task, and the other tasks' long contexts hold.
    @Test func checkpointRegressionRestrictedToOneTaskAndSlice() throws {
        let spec = "checkpoint_regression@1h:task=order_status,slice=long_context=true,effect=0.2"
        var target = Tally(), targetBaseline = Tally(), otherTask = Tally(), otherTaskBaseline = Tally()
        var shortContext = Tally(), shortContextBaseline = Tally()
        var onNewCheckpoint = Tally()
        try scanCounterfactual([spec], rpm: 1000) { a, b in
            guard b.offsetMicros >= hourMicros, let model = b.model, model.tuned else { return }
            onNewCheckpoint.add(model.version == "ckpt-0503")
            let failedA = a.passed("policy") == false, failedB = b.passed("policy") == false
            let long = b.sliceString("long_context") == "true"
            if b.task == "order_status" && long {
                target.add(failedB); targetBaseline.add(failedA)
            } else if b.task == "order_status" {
                shortContext.add(failedB); shortContextBaseline.add(failedA)
            } else if long {
                otherTask.add(failedB); otherTaskBaseline.add(failedA)
            }
        }
        print("order_status × long_context × ckpt-0503 policy failures: \(targetBaseline) → \(target)")
        #expect(onNewCheckpoint.rate > 0.99, "\(onNewCheckpoint)")
        #expect(abs(target.rate - targetBaseline.rate - 0.2) < 0.04, "\(targetBaseline) → \(target)")
        #expect(abs(otherTask.rate - otherTaskBaseline.rate) < 0.005, "\(otherTaskBaseline) → \(otherTask)")
        #expect(abs(shortContext.rate - shortContextBaseline.rate) < 0.005, "\(shortContextBaseline) → \(shortContext)")
    }

    /// At 20 requests/min a 30 % checkpoint canary puts about 10 requests an hour on the failing conjunction.
    @Test func centralCaseVolumeIsAboutTenAnHour() throws {
        let spec = "checkpoint_regression@0:task=order_status,slice=long_context=true,share=0.3,effect=0.2"
        var conjunction = 0, policyFailed = 0
        let hours: Int64 = 48
        try scan(scenario([spec], hours: hours, rpm: 20)) { r in
            guard r.task == "order_status", r.sliceString("long_context") == "true", r.model?.version == "ckpt-0503" else { return }
            conjunction += 1
            if r.passed("policy") == false { policyFailed += 1 }
        }
        let perHour = Double(conjunction) / Double(hours)
        print("conjunction: \(perHour) requests/hour, policy failures \(policyFailed)/\(conjunction)")
        #expect((8...13).contains(perHour), "\(perHour) per hour")
    }

    @Test func checkpointTaskMustBeServedByTheTunedModel() {
        #expect(throws: DriftwatchError.self) {
            try InjectedIncident(spec: "checkpoint_regression@1h:task=claim_triage,slice=long_context=true")
        }
        #expect(throws: DriftwatchError.self) { try InjectedIncident(spec: "checkpoint_regression@1h:task=nope") }
    }

    /// The whole support pool moves to the new index; only German requests lose relevant evidence.
    @Test func retrievalIndexChangeRestrictedToASlice() throws {
        var de = Tally(), deBaseline = Tally(), other = Tally(), otherBaseline = Tally(), onNewIndex = Tally()
        try scanCounterfactual(["retrieval_index_change@1h:slice=language=de,effect=0.3"], rpm: 1000) { a, b in
            guard b.offsetMicros >= hourMicros, b.service == "support-copilot", let retrieval = b.retrieval else { return }
            onNewIndex.add(retrieval.indexVersion == "kb-2025-01-07")
            let failedA = a.passed("grounded") == false, failedB = b.passed("grounded") == false
            if b.sliceString("language") == "de" { de.add(failedB); deBaseline.add(failedA) } else { other.add(failedB); otherBaseline.add(failedA) }
        }
        #expect(onNewIndex.rate == 1, "\(onNewIndex)")
        #expect(abs(de.rate - deBaseline.rate - 0.3) < 0.04, "\(deBaseline) → \(de)")
        #expect(other.hits == otherBaseline.hits, "\(otherBaseline) → \(other)")
    }

    /// `share=1` is a rollout: every claim_triage request moves to the new template, schema failures ~1 % → ~6.5 %.
    @Test func templateRolloutWithASmallEffect() throws {
        var before = Tally(), after = Tally(), newVersion = Tally()
        try scan(scenario(["template_canary@1h:task=claim_triage,share=1,effect=0.055"], rpm: 1000)) { r in
            guard r.task == "claim_triage" else { return }
            let failed = r.passed("schema") == false
            if r.offsetMicros < hourMicros { before.add(failed) } else { after.add(failed); newVersion.add(r.template?.version == "4") }
        }
        print("claim_triage schema failures \(before) → \(after)")
        #expect(newVersion.rate == 1, "\(newVersion)")
        #expect(before.rate < 0.015, "\(before)")
        #expect(abs(after.rate - before.rate - 0.055) < 0.012, "\(before) → \(after)")
    }

    /// Ramps grow linearly from the start offset: over four equal quarters of a 2-hour ramp the mean intensity is
    /// 1/8, 3/8, 5/8 and 7/8 of the effect (measured against the same run without the change).
    @Test(arguments: [
        ("retrieval_index_change@1h:effect=0.4,ramp=2h", "grounded"),
        ("checkpoint_regression@1h:slice=language=de,effect=0.4,ramp=2h", "policy"),
    ])
    func rampIsLinearFromTheStartOffset(spec: String, check: String) throws {
        var baseline = try WorkloadGenerator(scenario([], hours: 3, rpm: 1500))
        var injected = try WorkloadGenerator(scenario([spec], hours: 3, rpm: 1500))
        var quarters = [Tally](repeating: Tally(), count: 4), baselines = [Tally](repeating: Tally(), count: 4)
        let isTarget: (RequestRecord) -> Bool = check == "grounded"
            ? { $0.service == "support-copilot" } : { $0.model?.tuned == true && $0.sliceString("language") == "de" }
        while let a = baseline.next(), let b = injected.next() {
            guard b.offsetMicros >= hourMicros, isTarget(b) else { continue }
            let q = Int((b.offsetMicros - hourMicros) / (hourMicros / 2))
            quarters[q].add(b.passed(check) == false)
            baselines[q].add(a.passed(check) == false)
        }
        for q in 0..<4 {
            let excess = quarters[q].rate - baselines[q].rate
            #expect(abs(excess - 0.4 * (2 * Double(q) + 1) / 8) < 0.035, "quarter \(q): \(baselines[q]) → \(quarters[q])")
        }
    }

    @Test func groundTruthCarriesTheConjunction() throws {
        let checkpoint = try scenario(["checkpoint_regression@1h:task=order_status,slice=long_context=true"]).groundTruth()
        #expect(checkpoint.first?.scope == ["task": "order_status", "slices.long_context": "true", "model.name": "copilot-ft",
                                            "model.version": "ckpt-0503"])
        #expect(checkpoint.first?.affectedTasks == ["order_status"])
        let retrieval = try scenario(["retrieval_index_change@1h:slice=language=de"]).groundTruth()
        #expect(retrieval.first?.scope == ["retrieval.index_version": "kb-2025-01-07", "slices.language": "de"])
        let described = try InjectedIncident(spec: "checkpoint_regression@1h:task=order_status,slice=long_context=true").description
        #expect(try InjectedIncident(spec: described).parameters["task"] == "order_status")
    }
}
