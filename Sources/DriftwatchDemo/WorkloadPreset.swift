public import DriftwatchCore

/// A named workload for `driftwatch demo`: a length, a noise level and a list of change specs.
///
/// The single-incident presets put the change at 2h of 6h, leaving a clean baseline before it; `mixed` runs the
/// five incident kinds one after another (each rolled back before the next) with benign deploys in between.
public struct WorkloadPreset: Sendable, Equatable {
    public var name: String
    public var summary: String
    public var durationMicros: Int64
    public var noise: Double
    /// Specs in ``WorkloadSpecParser`` syntax.
    public var specs: [String]

    public init(name: String, summary: String, durationMicros: Int64, noise: Double = 0.1, specs: [String]) {
        self.name = name
        self.summary = summary
        self.durationMicros = durationMicros
        self.noise = noise
        self.specs = specs
    }

    /// A configuration for this preset; extra specs (e.g. from `--inject`) are added after the preset's own.
    public func configuration(
        seed: UInt64 = 1, requestsPerMinute: Double = 200, extraSpecs: [String] = []
    ) throws(DriftwatchError) -> WorkloadConfiguration {
        var configuration = WorkloadConfiguration(
            seed: seed, length: .duration(micros: durationMicros), requestsPerMinute: requestsPerMinute, noise: noise)
        for spec in specs + extraSpecs { configuration.add(try WorkloadSpecParser.parse(spec)) }
        return configuration
    }

    /// Looks a preset up by name; the error lists the known names.
    public static func named(_ name: String) throws(DriftwatchError) -> WorkloadPreset {
        guard let preset = all.first(where: { $0.name == name }) else {
            throw DriftwatchError(.invalidArgument, "unknown demo preset \"\(name)\"; expected one of \(all.map(\.name).joined(separator: ", "))")
        }
        return preset
    }

    private static let hour: Int64 = 3_600_000_000

    public static let all: [WorkloadPreset] = [
        WorkloadPreset(name: "baseline", summary: "a healthy service, no changes", durationMicros: 6 * hour, specs: []),
        WorkloadPreset(
            name: "noise", summary: "more noise and benign template, model, index and tool version changes; nothing to find",
            durationMicros: 6 * hour, noise: 0.15,
            specs: ["benign_template@1h:task=policy_lookup", "benign_model@2h:model=tuned", "benign_index@3h:index=support",
                    "benign_tool@4h:tool=crm_lookup", "benign_template@4h30m:task=claim_triage,share=0.5"]),
        WorkloadPreset(
            name: "mixed", summary: "five incidents in turn (retrieval, tools, wrapper, model, traffic) among benign deploys",
            durationMicros: 12 * hour,
            specs: ["benign_model@30m:model=general", "retrieval_index_change@1h:effect=0.3,for=2h",
                    "tool_outage@3h30m:tool=refund_api,rate=0.6,for=1h", "template_canary@5h:share=0.3,for=2h",
                    "benign_index@5h30m:index=claims", "checkpoint_regression@7h30m:slice=language=de,effect=0.25,for=2h",
                    "traffic_shift@10h:slice=language=de,share=0.5"]),
        WorkloadPreset(name: "retrieval", summary: "a new retriever index degrades evidence at 2h",
                       durationMicros: 6 * hour, specs: ["retrieval_index_change@2h"]),
        WorkloadPreset(name: "tool-outage", summary: "refund_api fails on 60% of calls from 2h",
                       durationMicros: 6 * hour, specs: ["tool_outage@2h:tool=refund_api,rate=0.6"]),
        WorkloadPreset(name: "template-canary", summary: "a template canary on 30% of refund traffic breaks the schema at 2h",
                       durationMicros: 6 * hour, specs: ["template_canary@2h:share=0.3"]),
        WorkloadPreset(name: "checkpoint-regression", summary: "a new tuned checkpoint is worse on German from 2h",
                       durationMicros: 6 * hour, specs: ["checkpoint_regression@2h:slice=language=de"]),
        WorkloadPreset(name: "traffic-shift", summary: "German traffic grows to half at 2h; per-slice quality holds",
                       durationMicros: 6 * hour, specs: ["traffic_shift@2h:slice=language=de,share=0.5"]),
        WorkloadPreset(name: "drift-language", summary: "Spanish traffic grows to 40% at 2h; no quality effect",
                       durationMicros: 6 * hour, specs: ["language_shift@2h:language=es,share=0.4"]),
        WorkloadPreset(name: "drift-reindex", summary: "a re-embedded index with lower scores at 2h; relevance unchanged",
                       durationMicros: 6 * hour, specs: ["reindex_lower_scores@2h"]),
        WorkloadPreset(name: "drift-stale", summary: "evidence half a year older from 2h",
                       durationMicros: 6 * hour, specs: ["stale_evidence@2h"]),
        WorkloadPreset(name: "drift-tool-calls", summary: "order_status_api called half as often from 2h",
                       durationMicros: 6 * hour, specs: ["tool_call_drop@2h:tool=order_status_api,rate=0.5"]),
    ]
}
