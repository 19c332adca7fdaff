import DriftwatchCore
import DriftwatchIngest
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

@Suite("Source field mappings and units in the configuration")
struct SourceMappingConfigurationTests {
    static let readmeExample = """
        sources:
          - name: legacy
            paths: ["/var/log/app/llm.jsonl*"]
            fields:
              request_id: id
              timestamp: ts
              task: route_name
              model.name: llm.model
              model.version: llm.rev
              template.id: prompt.name
              template.version: prompt.ver
              retrieval.index_version: ctx.index
              retrieval.evidence: ctx.docs
              outcome: status
            timestamp_unit: ms
            elements:
              retrieval.evidence: {id: doc_id, score: sim}
            values:
              outcome: {ok: success, error: failure}
            constants:
              service: support-copilot
              model.tuned: true
              slices.tier: "3"
        """

    @Test("the README's mapping is read in file order, constants typed by the record field")
    func readmeExampleLoads() throws {
        let config = try ConfigurationLoader().load(yaml: Self.readmeExample)
        let mapping = try #require(config.sources.first?.mapping)
        #expect(mapping.fields.map(\.target) == ["request_id", "timestamp", "task", "model.name", "model.version", "template.id",
                                                 "template.version", "retrieval.index_version", "retrieval.evidence", "outcome"])
        #expect(mapping.fields[3] == .init(target: "model.name", source: "llm.model"))
        #expect(mapping.elements["retrieval.evidence"] == [.init(target: "id", source: "doc_id"), .init(target: "score", source: "sim")])
        #expect(mapping.values["outcome"] == ["ok": "success", "error": "failure"])
        #expect(mapping.constants == [.init(target: "service", json: #""support-copilot""#), .init(target: "model.tuned", json: "true"),
                                      .init(target: "slices.tier", json: #""3""#)])
        #expect(mapping.timestampUnit == .milliseconds)
    }

    @Test("bad mappings and unit-less durations and sizes name the file, the key and the expectation", arguments: [
        ("retention:\n  max_age: 30\n", #"key "retention.max_age" expected a positive duration with a unit"#, "(a bare number has no unit)"),
        ("ingest:\n  poll_interval: 0.5\n", #"key "ingest.poll_interval" expected a positive duration with a unit"#, "line 2"),
        ("ingest:\n  batch_bytes: 1048576\n", #"key "ingest.batch_bytes" expected a size with a unit"#, "(a bare number has no unit)"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id, modle.name: m}\n", #"key "sources[0].fields.modle.name" is not a field of format v1"#, "line 3"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id, template.version: p.v}\n", #"key "sources[0].fields" fills template fields but not template.id"#, "line 3"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: 'a..b'}\n", #"key "sources[0].fields.request_id" expected a dotted path"#, "line 3"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id}\n    timestamp_unit: ns\n", #"key "sources[0].timestamp_unit" expected one of s, ms, us, rfc3339"#, "line 4"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id}\n    timestamp_unit: s\n", #"key "sources[0].timestamp_unit" applies to the timestamp mapped"#, "line 4"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id}\n    values: {outcome: {ok: success}}\n", #"key "sources[0].values.outcome" expected a record field mapped in fields:"#, "line 4"),
        ("sources:\n  - paths: [a]\n    fields: {tools: t}\n    elements: {tools: {name: n}}\n", #"key "sources[0].elements.tools" does not map status"#, "line 4"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id}\n    constants: {retries: many}\n", #"key "sources[0].constants.retries" expected a whole number"#, "line 4"),
        ("sources:\n  - paths: [a]\n    fields: {request_id: id}\n    constants: {request_id: x}\n", #"key "sources[0]" fills the record field request_id twice"#, "line 4"),
        ("sources:\n  - paths: [a]\n    format: otlp_json\n    fields: {request_id: id}\n", #"key "sources[0].fields" applies to sources of format driftwatch"#, "line 4"),
        ("sources:\n  - paths: [a]\n    constants: {service: s}\n", #"key "sources[0].constants" needs fields:"#, "line 3"),
    ])
    func errors(yaml: String, message: String, detail: String) throws {
        let error = #expect(throws: DriftwatchError.self) {
            _ = try ConfigurationLoader().load(yaml: yaml, file: "/etc/driftwatch.yaml")
        }
        #expect(error?.code == .invalidConfig)
        #expect(error?.message.contains("/etc/driftwatch.yaml") == true)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(detail) == true, "\(error?.message ?? "")")
    }

    @Test("ingest reads each file through the mapping of the source whose globs match it; other files are format v1")
    func ingestPicksTheSourceByGlob() throws {
        let dir = TemporaryDirectory()
        let logs = dir.file("logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var config = try ConfigurationLoader().load(yaml: Self.readmeExample.replacingOccurrences(of: "/var/log/app", with: logs))
        config.databasePath = dir.file("db.sqlite")
        let service = #"{"id":"s1","ts":1764064800000,"route_name":"refund","llm":{"model":"m","rev":"1"},"#
            + #""prompt":{"name":"p","ver":"v1"},"ctx":{"index":"i","docs":[{"doc_id":"d","sim":0.5}]},"status":"ok"}"#
        try (service + "\n").write(toFile: logs + "/llm.jsonl.1", atomically: true, encoding: .utf8)
        try (#"{"request_id":"v1","timestamp":0}"# + "\n").write(toFile: dir.file("native.jsonl"), atomically: true, encoding: .utf8)
        let report = try BackfillRunner.run(paths: [logs + "/llm.jsonl.1", dir.file("native.jsonl")], configuration: config,
                                            logger: Logger(label: "test"), showProgress: false)
        #expect(report.files == 2)
        #expect(report.inserted == 2)
        #expect(report.deadLetters == 0)
        #expect(report.mostlyDeadLettered.isEmpty)
        let store = try SQLiteStore(path: config.databasePath)
        #expect(Set(try store.requestIDs()) == ["s1", "v1"])

        // A file no source matches is format v1: the service's lines are dead-lettered, loudly.
        try (service.replacingOccurrences(of: "s1", with: "s2") + "\n").write(toFile: dir.file("other.jsonl"), atomically: true, encoding: .utf8)
        let plain = try BackfillRunner.run(paths: [dir.file("other.jsonl")], configuration: config, logger: Logger(label: "test"), showProgress: false)
        #expect(plain.deadLetters == 1)
        #expect(plain.mostlyDeadLettered.map(\.path) == [dir.file("other.jsonl")])
        #expect(plain.mostlyDeadLettered.first?.firstReason == #"field "request_id": required field is missing"#)
        #expect(try plain.render(.text).contains("warning: \(dir.file("other.jsonl")): 1 of the first 1 lines were dead-lettered"))

        let unknown = #expect(throws: DriftwatchError.self) {
            _ = try BackfillRunner.run(paths: [dir.file("other.jsonl")], configuration: config, logger: Logger(label: "test"),
                                       showProgress: false, sourceName: "nope")
        }
        #expect(unknown?.message.contains("expected one of: legacy") == true)
    }
}
