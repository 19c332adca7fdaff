import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchRuntime
import Testing

@Suite("Analysis configuration section")
struct AnalysisConfigurationTests {
    @Test("the analysis section is read with units and percentages")
    func reads() throws {
        let config = try ConfigurationLoader().load(yaml: """
            analysis:
              interval: 2s
              bucket: 10m
              current_window: 30m
              baseline_window: 12h
              min_effect: 3%
              false_discovery_rate: 0.001
              export_dir: /tmp/exports
            """)
        #expect(config.analysis.intervalMillis == 2000)
        #expect(config.analysis.engine.bucketMicros == 600_000_000)
        #expect(config.analysis.engine.currentWindowMicros == 1_800_000_000)
        #expect(config.analysis.engine.baselineWindowMicros == 12 * 3_600_000_000)
        #expect(abs(config.analysis.engine.minimumEffect - 0.03) < 1e-12)
        #expect(config.analysis.engine.falseDiscoveryRate == 0.001)
        #expect(config.analysis.exportDirectory == "/tmp/exports")
    }

    @Test("lateness follows the baseline window unless set; the clock-skew bound defaults to 5 minutes")
    func lateness() throws {
        let defaults = try ConfigurationLoader().load(yaml: "analysis:\n  baseline_window: 48h\n").analysis.engine
        #expect(defaults.latenessMicros == 48 * 3_600_000_000)
        #expect(defaults.maxClockSkewMicros == 5 * 60_000_000)
        let set = try ConfigurationLoader().load(yaml: "analysis:\n  lateness: 6h\n  max_clock_skew: 2m\n").analysis.engine
        #expect(set.latenessMicros == 6 * 3_600_000_000)
        #expect(set.maxClockSkewMicros == 2 * 60_000_000)
        #expect(set.horizonMicros == 6 * 3_600_000_000 + set.currentWindowMicros + set.baselineWindowMicros + set.coarseBucketMicros)
        do {
            _ = try ConfigurationLoader().load(yaml: "analysis:\n  max_clock_skew: soon\n")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("analysis.max_clock_skew"))
        }
    }

    @Test("windows that are not whole buckets and unknown keys are errors naming the key")
    func errors() {
        #expect(throws: DriftwatchError.self) { try ConfigurationLoader().load(yaml: "analysis:\n  current_window: 7m\n") }
        #expect(throws: DriftwatchError.self) { try ConfigurationLoader().load(yaml: "analysis:\n  min_effect: 2\n") }
        do {
            _ = try ConfigurationLoader().load(yaml: "analysis:\n  bucket_size: 5m\n")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("bucket_size"))
        }
    }
}
