import DriftwatchCore
import DriftwatchDemo
import Foundation
import Testing

/// The baseline looks like a healthy production service, and every record carries the fields the analyzer and
/// the drift detector read.
@Suite struct WorkloadShapeTests {
    @Test func everyRecordCarriesTheExpectedFields() throws {
        let expectedTools: [String: [String]] = [
            "refund_question": ["order_status_api", "refund_api"], "order_status": ["order_status_api"],
            "policy_lookup": [], "claim_triage": ["crm_lookup"], "invoice_extraction": [],
        ]
        var feedback = Tally(), fallback = Tally(), success = Tally()
        var perTask: [String: Tally] = [:]
        var languages: [String: Int] = [:]
        try scan(WorkloadConfiguration(seed: 21, length: .records(40_000))) { r in
            let task = try! #require(r.task)
            #expect(r.requestID.hasPrefix("dw-"))
            #expect(r.service != nil && r.route != nil && r.outcome != nil)
            #expect(r.toolsExpected == expectedTools[task])
            let model = try! #require(r.model)
            if r.route == "fallback" {
                #expect(model.name == "gpt-4o")
                #expect((r.retries ?? 0) >= 2)
            } else if r.service == "support-copilot" {
                #expect(model.tuned && model.base == "gpt-4o-mini" && model.version == "ckpt-0412")
            } else {
                #expect(!model.tuned && model.name == "gpt-4o-mini")
            }
            fallback.add(r.route == "fallback")
            #expect(r.template != nil && r.release?.validator != nil)
            if task == "invoice_extraction" {
                #expect(r.retrieval == nil)
                #expect(r.validation.map(\.check) == ["schema", "policy"])
            } else {
                let retrieval = try! #require(r.retrieval)
                #expect((3...8).contains(retrieval.topK ?? 0))
                #expect(retrieval.evidence.isEmpty || retrieval.evidence.count == retrieval.topK)
                let scores = retrieval.evidence.compactMap(\.score)
                #expect(scores == scores.sorted(by: >))
                #expect(Set(retrieval.evidence.map(\.id)).count == retrieval.evidence.count)
                for e in retrieval.evidence { #expect(e.updatedAtMicros! < r.timestampMicros) }
                #expect(r.validation.map(\.check) == ["schema", "grounded", "policy"])
                #expect(r.latency?.retrieval != nil)
            }
            for check in r.validation { #expect(check.passed == (check.reason == nil)) }
            if !r.tools.isEmpty { #expect(r.latency?.tools != nil) }
            for call in r.tools where call.status == .timeout { #expect((call.latencyMs ?? 0) >= 3000) }
            let latency = try! #require(r.latency)
            #expect(latency.total >= latency.generation! + latency.validation!)
            #expect((r.tokens?.input ?? 0) > 0 && (r.tokens?.output ?? 0) > 0)
            #expect((r.costUSD ?? 0) > 0)
            #expect(r.slices.map(\.key) == ["language", "channel", "customer_tier", "long_context"])
            languages[r.sliceString("language")!, default: 0] += 1
            if let f = r.feedback {
                #expect(f.source == "user" ? abs(f.score) == 1 : (0...1).contains(f.score))
            }
            feedback.add(r.feedback != nil)
            success.add(r.succeeded)
            perTask[task, default: Tally()].add(r.succeeded)
            // A validation failure or a failed required tool never ends in success.
            if r.validation.contains(where: { !$0.passed }) { #expect(!r.succeeded) }
        }
        #expect(abs(feedback.rate - 0.12) < 0.01, "\(feedback)")
        #expect(fallback.rate > 0.001 && fallback.rate < 0.02, "\(fallback)")
        #expect(success.rate > 0.85 && success.rate < 0.92, "\(success)")
        for (task, tally) in perTask { #expect(tally.rate > 0.8 && tally.rate < 0.95, "\(task) \(tally)") }
        #expect(Double(languages["en"]!) / 40_000 > 0.5)
    }

    /// Lines are valid JSON that a generic parser reads back to the same values.
    @Test func linesAreValidJSON() throws {
        var generator = try WorkloadGenerator(try WorkloadPreset.named("mixed").configuration(seed: 2, requestsPerMinute: 5))
        var bytes: [UInt8] = []
        let n = generator.appendLines(2000, to: &bytes)
        #expect(n == 2000)
        let lines = bytes.split(separator: 0x0A)
        #expect(lines.count == 2000)
        var records = try WorkloadGenerator(try WorkloadPreset.named("mixed").configuration(seed: 2, requestsPerMinute: 5))
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let next = records.next()
            let record = try #require(next)
            #expect(object["request_id"] as? String == record.requestID)
            #expect(object["task"] as? String == record.task)
            #expect((object["tokens"] as? [String: Any])?["input"] as? Int == record.tokens?.input)
            let slices = try #require(object["slices"] as? [String: Any])
            #expect(slices["long_context"] as? Bool != nil)
        }
    }

    /// Benign deploys change versions and nothing else: per-task success before and after each stays within noise.
    @Test func benignChangesKeepQuality() throws {
        let preset = try WorkloadPreset.named("noise")
        let configuration = try preset.configuration(seed: 17, requestsPerMinute: 400)
        let labels = try configuration.groundTruth()
        #expect(labels.count == 5)
        #expect(labels.allSatisfy { $0.expectedAction == "none" && !$0.affectsQuality })
        // For each change: success of its affected tasks in the hour before and the hour after.
        var windows = labels.map { _ in (before: Tally(), after: Tally(), newVersionBefore: 0, newVersionAfter: 0) }
        var hourly: [Tally] = Array(repeating: Tally(), count: 6)
        try scan(configuration) { r in
            hourly[Int(r.offsetMicros / hourMicros)].add(r.succeeded)
            for (i, label) in labels.enumerated() where label.affectedTasks.contains(r.task!) {
                let delta = r.timestampMicros - label.startMicros
                guard abs(delta) < hourMicros else { continue }
                let newVersion = label.scope.contains { key, value in
                    switch key {
                    case "template.version": return r.template?.version == value
                    case "model.version": return r.model?.version == value
                    case "retrieval.index_version": return r.retrieval?.indexVersion == value
                    case "tool": return r.tools.contains { $0.name == value && $0.version != "5.2.0" }
                    default: return false
                    }
                }
                if delta < 0 {
                    windows[i].before.add(r.succeeded)
                    if newVersion { windows[i].newVersionBefore += 1 }
                } else {
                    windows[i].after.add(r.succeeded)
                    if newVersion { windows[i].newVersionAfter += 1 }
                }
            }
        }
        for (label, window) in zip(labels, windows) {
            #expect(window.newVersionBefore == 0, "\(label.spec)")
            #expect(window.newVersionAfter > 100, "\(label.spec)")
            #expect(abs(window.after.rate - window.before.rate) < 0.03, "\(label.spec): \(window.before) \(window.after)")
        }
        for tally in hourly { #expect(tally.rate > 0.85 && tally.rate < 0.93, "\(hourly)") }
    }

    @Test func noiseWobblesRatesBetweenPeriods() throws {
        func spread(noise: Double) throws -> Double {
            var periods: [Int64: Tally] = [:]
            try scan(WorkloadConfiguration(seed: 8, length: .duration(micros: 4 * hourMicros), requestsPerMinute: 600, noise: noise)) { r in
                periods[r.offsetMicros / 600_000_000, default: Tally()].add(r.succeeded)
            }
            let rates = periods.values.map(\.rate)
            let mean = rates.reduce(0, +) / Double(rates.count)
            return (rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rates.count)).squareRoot()
        }
        let quiet = try spread(noise: 0)
        let noisy = try spread(noise: 0.4)
        #expect(noisy > quiet * 1.5, "quiet \(quiet) noisy \(noisy)")
    }
}
