import DriftwatchCore
import DriftwatchDemo
import Testing

@Suite struct WorkloadSpecParserTests {
    @Test func parsesTheDocumentedExamples() throws {
        let index = try InjectedIncident(spec: "retrieval_index_change@2h")
        #expect(index.kind == .retrievalIndexChange && index.startOffsetMicros == 2 * hourMicros && index.effect == 0.3)

        let outage = try InjectedIncident(spec: "tool_outage@90m:tool=refund_api,rate=0.6")
        #expect(outage.kind == .toolOutage && outage.startOffsetMicros == 90 * 60_000_000)
        #expect(outage.effect == 0.6 && outage.parameters == ["tool": "refund_api"])
        #expect(outage.component == "tools" && outage.expectedAction == "tool_fix")

        let checkpoint = try InjectedIncident(spec: "checkpoint_regression@3h:slice=language=de")
        #expect(checkpoint.parameters["slice"] == "language=de" && checkpoint.expectedAction == "targeted_retraining")

        let shift = try InjectedIncident(spec: "traffic_shift@2h:slice=language=de,share=0.5")
        #expect(shift.effect == 0.5 && shift.component == "traffic" && shift.expectedAction == "routing_change")

        let canary = try InjectedIncident(spec: "template_canary@1h:share=0.3")
        #expect(canary.parameters["share"] == "0.3" && canary.effect == 0.4 && canary.component == "wrapper")

        let ramped = try InjectedIncident(spec: " tool_outage@1h30m:ramp=15m,for=2h ")
        #expect(ramped.startOffsetMicros == 90 * 60_000_000 && ramped.rampMicros == 15 * 60_000_000)
        #expect(ramped.durationMicros == 2 * hourMicros)

        let benign = try BenignChange(spec: "benign_model@0:model=general")
        #expect(benign.kind == .modelVersion && benign.startOffsetMicros == 0 && benign.component == "model")
    }

    @Test func descriptionRoundTrips() throws {
        for spec in ["tool_outage@1h30m:tool=refund_api,rate=0.6,for=45m,ramp=10m", "checkpoint_regression@3h:slice=language=de",
                     "benign_template@1h:task=claim_triage,share=0.5"] {
            let change = try WorkloadSpecParser.parse(spec)
            let text: String = switch change {
            case .incident(let incident): incident.description
            case .benign(let benign): benign.description
            }
            #expect(try WorkloadSpecParser.parse(text) == change, "\(text)")
        }
    }

    @Test(arguments: [
        ("", "empty"),
        ("tool_outage", "missing \"@START\""),
        ("tool_outrage@1h", "unknown kind \"tool_outrage\""),
        ("tool_outage@", "empty duration"),
        ("tool_outage@90", "lacks a unit"),
        ("tool_outage@2w", "unknown unit \"w\""),
        ("tool_outage@h", "needs a number"),
        ("tool_outage@1h:tool", "\"tool\" is not KEY=VALUE"),
        ("tool_outage@1h:tool=", "\"tool\" has an empty value"),
        ("tool_outage@1h:tool=payments_api", "parameter \"tool\" is \"payments_api\"; expected one of order_status_api, refund_api, crm_lookup"),
        ("tool_outage@1h:rate=1.5", "parameter \"rate\" is 1.5; expected a value in 0.0...1.0"),
        ("tool_outage@1h:rate=lots", "parameter \"rate\" must be a number, got \"lots\""),
        ("tool_outage@1h:rate=0.5,effect=0.5", "give the effect once"),
        ("tool_outage@1h:tool=refund_api,tool=crm_lookup", "\"tool\" is given twice"),
        ("tool_outage@1h:mode=flaky", "parameter \"mode\" is \"flaky\""),
        ("tool_outage@1h:slice=language=de", "unknown parameter \"slice\" for tool_outage"),
        ("checkpoint_regression@3h:slice=de", "expected KEY=VALUE"),
        ("checkpoint_regression@3h:slice=region=eu", "unknown key \"region\""),
        ("traffic_shift@2h:slice=language=jp", "unknown value \"jp\" for language"),
        ("template_canary@1h:task=summarize", "parameter \"task\" is \"summarize\""),
        ("stale_evidence@1h:days=0", "parameter \"days\" is 0.0"),
        ("retrieval_index_change@1h:index=web", "parameter \"index\" is \"web\""),
        ("tool_outage@1h:for=0", "\"for\" must be longer than zero"),
        ("benign_model@1h:model=giant", "parameter \"model\" is \"giant\""),
        ("benign_index@1h:effect=0.2", "unknown parameter \"effect\" for benign_index"),
    ])
    func rejectsBadSpecsNamingTheProblem(spec: String, message: String) {
        do {
            _ = try WorkloadSpecParser.parse(spec)
            Issue.record("accepted \(spec)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.message.contains("\"\(spec)\""), "\(error.message)")
        }
    }

    @Test func kindMismatchIsAnError() {
        #expect(throws: DriftwatchError.self) { try InjectedIncident(spec: "benign_index@1h") }
        #expect(throws: DriftwatchError.self) { try BenignChange(spec: "tool_outage@1h") }
    }

    @Test func durations() throws {
        #expect(try WorkloadSpecParser.parseDuration("1h30m") == 90 * 60_000_000)
        #expect(try WorkloadSpecParser.parseDuration("1.5h") == 90 * 60_000_000)
        #expect(try WorkloadSpecParser.parseDuration("45s") == 45_000_000)
        #expect(try WorkloadSpecParser.parseDuration("1d") == 24 * hourMicros)
        #expect(WorkloadSpecParser.formatDuration(90 * 60_000_000) == "1h30m")
        #expect(WorkloadSpecParser.formatDuration(0) == "0")
        #expect(throws: DriftwatchError.self) { try WorkloadSpecParser.parseDuration("400d") }
    }

    @Test func presetsParseAndUnknownPresetsAreNamed() throws {
        #expect(WorkloadPreset.all.count >= 10)
        for preset in WorkloadPreset.all {
            let configuration = try preset.configuration(seed: 1, extraSpecs: ["benign_tool@1h"])
            #expect(configuration.incidents.count + configuration.benignChanges.count == preset.specs.count + 1)
            _ = try WorkloadGenerator(configuration)
        }
        let mixed = try WorkloadPreset.named("mixed").configuration().groundTruth()
        #expect(Set(mixed.filter(\.affectsQuality).map(\.component)) == ["retrieval", "tools", "wrapper", "model", "traffic"])
        do {
            _ = try WorkloadPreset.named("chaos")
            Issue.record("accepted an unknown preset")
        } catch {
            #expect(error.message.contains("unknown demo preset \"chaos\""))
            #expect(error.message.contains("mixed") && error.message.contains("noise"))
        }
    }

    @Test func invalidConfigurationsAreRejected() {
        #expect(throws: DriftwatchError.self) { try WorkloadGenerator(WorkloadConfiguration(requestsPerMinute: 0)) }
        #expect(throws: DriftwatchError.self) { try WorkloadGenerator(WorkloadConfiguration(noise: -1)) }
        var configuration = WorkloadConfiguration()
        configuration.incidents = [InjectedIncident(kind: .toolOutage, startOffsetMicros: 0, parameters: ["tool": "nope"])]
        #expect(throws: DriftwatchError.self) { try WorkloadGenerator(configuration) }
    }
}
