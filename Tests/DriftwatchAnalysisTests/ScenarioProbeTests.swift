import DriftwatchAnalysis
import DriftwatchCore
import Foundation
import Testing

@Suite("Probe")
struct ScenarioProbeTests {
    @Test("probe", arguments: ["retrieval_index_change@2h", "tool_outage@2h:tool=refund_api,rate=0.6", "template_canary@2h:share=0.3",
                               "checkpoint_regression@2h:slice=language=de", "traffic_shift@2h:slice=language=de,share=0.5", ""])
    func probe(spec: String) throws {
        let start = Date()
        let run = try ScenarioRun.run(specs: spec.isEmpty ? [] : [spec], seed: 1)
        print("=== \(spec) \(Date().timeIntervalSince(start))s")
        for i in run.opened {
            print("  " + i.debugLine); if ProcessInfo.processInfo.environment["DW_EVIDENCE"] != nil { for e in i.evidence { print("     \(e)") } }
        }
    }
}

extension Incident {
    var debugLine: String {
        "\(component) \(recommendation.action) conf=\(format2(confidence)) scope=\(scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) start=\(startedAt) det=\(detectedAt) base=\(format2(baseline.value)) cur=\(format2(current.value)) sev=\(format2(severity))"
    }
}

func format2(_ x: Double) -> String { String((x * 1000).rounded() / 1000) }
