import DriftwatchCore
import DriftwatchIngest
import DriftwatchRuntime
import DriftwatchStore
import Testing

@Suite("Configuration loader")
struct ConfigurationLoaderTests {
    @Test("an empty file gives the defaults")
    func defaults() throws {
        let config = try ConfigurationLoader().load(yaml: "")
        #expect(config == DriftwatchConfiguration())
        #expect(config.databasePath == "./driftwatch.sqlite")
    }

    @Test("a full file is read with units")
    func fullFile() throws {
        let config = try ConfigurationLoader().load(yaml: """
            database: /var/lib/driftwatch/db.sqlite
            sources:
              - name: copilot
                paths: ["/var/log/copilot/requests.log*", "/var/log/copilot/extra/*.jsonl"]
            ingest:
              max_line_bytes: 256KiB
              batch_records: 5000
              poll_interval: 100ms
              discovery_interval: 2s
            retention:
              max_age: 7d
              max_size: 2GiB
              interval: 5m
            """)
        #expect(config.databasePath == "/var/lib/driftwatch/db.sqlite")
        #expect(config.sources == [.init(name: "copilot", paths: ["/var/log/copilot/requests.log*", "/var/log/copilot/extra/*.jsonl"])])
        #expect(config.ingest.maxLineBytes == 262_144)
        #expect(config.ingest.batchMaxRecords == 5000)
        #expect(config.ingest.pollInterval == .milliseconds(100))
        #expect(config.ingest.discoveryInterval == .seconds(2))
        #expect(config.retention.policy.maxAgeMicros == Int64(7) * 86_400_000_000)
        #expect(config.retention.policy.maxBytes == Int64(2) << 30)
        #expect(config.retention.intervalMillis == 300_000)
    }

    @Test("the OTLP span journal is on unless switched off")
    func spanJournalSetting() throws {
        #expect(try ConfigurationLoader().load(yaml: "server:\n  listen: 127.0.0.1:4318\n").server.journal)
        #expect(try !ConfigurationLoader().load(yaml: "server:\n  journal: off\n").server.journal)
    }

    @Test("retention limits can be switched off")
    func retentionOff() throws {
        let config = try ConfigurationLoader().load(yaml: "retention:\n  max_age: off\n")
        #expect(config.retention.policy.maxAgeMicros == nil)
    }

    @Test("errors name the file, the key, the line and the expectation", arguments: [
        ("ingest:\n  batch_records: lots\n", "key \"ingest.batch_records\" expected a whole number", "line 2"),
        ("ingest:\n  poll_intervall: 1s\n", "key \"ingest.poll_intervall\" is not a known setting", "line 2"),
        ("sources:\n  - name: a\n", "key \"sources[0].paths\" is required", "line 2"),
        ("retention:\n  max_age: soon\n", "key \"retention.max_age\" expected a positive duration", "line 2"),
        ("database: [1, 2]\n", "key \"database\" expected a non-empty string", "line 1"),
        ("sources: {a: 1}\n", "key \"sources\" expected a list", "line 1"),
        ("sources:\n  - paths: [a.log]\n    format: otlp\n", "key \"sources[0].format\" expected one of driftwatch, otlp_json, got \"otlp\"", "line 3"),
    ])
    func errors(yaml: String, message: String, line: String) throws {
        let error = #expect(throws: DriftwatchError.self) {
            _ = try ConfigurationLoader().load(yaml: yaml, file: "/etc/driftwatch.yaml")
        }
        #expect(error?.code == .invalidConfig)
        #expect(error?.message.contains("/etc/driftwatch.yaml") == true)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(line) == true, "\(error?.message ?? "")")
    }

    @Test("a missing file is a clear error")
    func missingFile() {
        let error = #expect(throws: DriftwatchError.self) {
            _ = try ConfigurationLoader().load(path: "/nonexistent/driftwatch.yaml")
        }
        #expect(error?.message.contains("/nonexistent/driftwatch.yaml") == true)
    }

    @Test("dashboards.range sets every page's range, 7 days by default")
    func dashboardsRange() throws {
        #expect(try ConfigurationLoader().load(yaml: "").dashboards.rangeMicros == 7 * 86_400_000_000)
        #expect(try ConfigurationLoader().load(yaml: "dashboards: { range: 30d }").dashboards.rangeMicros == 30 * 86_400_000_000)
        let error = #expect(throws: DriftwatchError.self) {
            _ = try ConfigurationLoader().load(yaml: "dashboards:\n  range: 10m\n")
        }
        #expect(error?.message.contains("dashboards.range") == true)
    }
}
