import DriftwatchDemo

/// The case groups of the suite. Effect sizes, rates and durations vary within each group on purpose: the suite
/// measures the detector, and a detector tuned to one cell of it should show up as failing the neighbouring cells.
enum SuiteCatalog {
    static let groupNames = ["narrow", "slice_retrieval", "half", "ramp", "persist", "step", "ambiguous", "chain", "quiet"]

    /// Every case of the named groups, in catalog order. `quietDays` is the length of the `quiet` group's runs.
    static func cases(groups: [String], quietDays: Int) -> [SuiteCase] {
        groups.flatMap { group -> [SuiteCase] in
            switch group {
            case "narrow": return narrow()
            case "slice_retrieval": return sliceRetrieval()
            case "half": return half()
            case "ramp": return ramp()
            case "persist": return persist()
            case "step": return step()
            case "ambiguous": return ambiguous()
            case "chain": return chain()
            case "quiet": return quiet(days: quietDays)
            default: return []
            }
        }
    }

    private static let h = injectionHour

    /// A group's incident cases at each rate, each followed (per rate) by its quiet control: same benign deploys,
    /// same rate and length, no cause.
    private static func withControls(_ group: String, hours: Double, rates: [Double], causes: [(String, String)]) -> [SuiteCase] {
        rates.flatMap { rate -> [SuiteCase] in
            let suffix = rates.count > 1 ? "-\(Int(rate))" : ""
            return causes.map { name, cause in
                SuiteCase(group: group, name: name + suffix, cause: cause, benign: standardBenignDeploys(),
                          requestsPerMinute: rate, hours: hours)
            } + [SuiteCase(group: group, name: "quiet-control" + suffix, cause: nil, benign: standardBenignDeploys(),
                           requestsPerMinute: rate, hours: hours)]
        }
    }

    /// The central case: a new tuned checkpoint fails policy on the long-context requests of one task.
    /// The catalog's old checkpoint fails policy on about 9–10 % of those (not the 4.6 %), so `effect`
    /// 0.2 takes the conjunction to about 29–30 % and 0.085 to about 18 %. A `share` of 0.3 (the new checkpoint
    /// on 30 % of tuned traffic) gives about 10 requests/hour of task × slice × new version at 20 requests/min;
    /// the full rollout (`share=1`) about 35.
    private static func narrow() -> [SuiteCase] {
        let base = "checkpoint_regression@\(h)h:slice=long_context=true,version=ckpt-0503"
        func at(_ rate: Double, _ name: String, _ cause: String, hours: Double) -> SuiteCase {
            SuiteCase(group: "narrow", name: name, cause: cause, benign: standardBenignDeploys(), requestsPerMinute: rate, hours: hours)
        }
        return [
            at(20, "order-30%-canary", base + ",task=order_status,share=0.3,effect=0.2,for=30h", hours: 58),
            at(20, "order-18%-canary", base + ",task=order_status,share=0.3,effect=0.085,for=30h", hours: 58),
            at(20, "refund-30%-canary-36h", base + ",task=refund_question,share=0.25,effect=0.2,for=36h", hours: 64),
            at(20, "policy-30%-rollout", base + ",task=policy_lookup,share=1,effect=0.2,for=24h", hours: 52),
            at(60, "order-30%-canary-60", base + ",task=order_status,share=0.3,effect=0.2,for=24h", hours: 52),
            SuiteCase(group: "narrow", name: "quiet-control", cause: nil, benign: standardBenignDeploys(), requestsPerMinute: 20, hours: 58),
            SuiteCase(group: "narrow", name: "quiet-control-60", cause: nil, benign: standardBenignDeploys(), requestsPerMinute: 60, hours: 52),
        ]
    }

    /// A new support (or claims) index that degrades German requests only; every request of the pool moves to it.
    private static func sliceRetrieval() -> [SuiteCase] {
        withControls("slice_retrieval", hours: 58, rates: [20], causes: [
            ("support-de-0.3", "retrieval_index_change@\(h)h:slice=language=de,effect=0.3,for=30h"),
            ("support-de-0.2", "retrieval_index_change@\(h)h:slice=language=de,effect=0.2,for=30h"),
            ("claims-de-0.3", "retrieval_index_change@\(h)h:index=claims,slice=language=de,effect=0.3,for=30h"),
        ])
    }

    /// Half the effect of the step cases, as steps that stay.
    private static func half() -> [SuiteCase] {
        withControls("half", hours: Double(h + 10), rates: [200, 20], causes: [
            ("template-rollout", "template_canary@\(h)h:task=claim_triage,share=1,effect=0.055"),
            ("retrieval-0.08", "retrieval_index_change@\(h)h:effect=0.08"),
            ("tool-0.15", "tool_outage@\(h)h:tool=refund_api,rate=0.15"),
            ("checkpoint-de-0.12", "checkpoint_regression@\(h)h:slice=language=de,effect=0.12"),
            ("traffic-de-35%", "traffic_shift@\(h)h:slice=language=de,share=0.35"),
        ])
    }

    /// Six-hour linear ramps from the injection time; the run goes six hours past the ramp's end.
    private static func ramp() -> [SuiteCase] {
        withControls("ramp", hours: Double(h + 12), rates: [200, 20], causes: [
            ("retrieval", "retrieval_index_change@\(h)h:effect=0.3,ramp=6h"),
            ("tool", "tool_outage@\(h)h:tool=refund_api,rate=0.6,ramp=6h"),
            ("checkpoint", "checkpoint_regression@\(h)h:slice=language=de,effect=0.25,ramp=6h"),
        ])
    }

    /// Steps that persist for 18 hours and are then rolled back; the run goes three hours past the rollback.
    /// They start five hours later than the other groups' causes: with the same seed the records up to the cause
    /// are the `step` group's, and a later start keeps the two groups from measuring the same noise after it.
    private static func persist() -> [SuiteCase] {
        let p = h + 5
        return withControls("persist", hours: Double(p + 21), rates: [200], causes: [
            ("retrieval", "retrieval_index_change@\(p)h:effect=0.3,for=18h"),
            ("tool", "tool_outage@\(p)h:tool=refund_api,rate=0.6,for=18h"),
            ("template-canary", "template_canary@\(p)h:share=0.3,effect=0.4,for=18h"),
            ("checkpoint", "checkpoint_regression@\(p)h:slice=language=de,effect=0.25,for=18h"),
            ("traffic", "traffic_shift@\(p)h:slice=language=de,share=0.5,for=18h"),
        ])
    }

    /// The five kinds of the scenario tests as steps that stay, after a full day of warm-up.
    private static func step() -> [SuiteCase] {
        withControls("step", hours: Double(h + 8), rates: [200, 20], causes: [
            ("retrieval", "retrieval_index_change@\(h)h:effect=0.3"),
            ("tool", "tool_outage@\(h)h:tool=refund_api,rate=0.6"),
            ("template-canary", "template_canary@\(h)h:share=0.3,effect=0.4"),
            ("checkpoint", "checkpoint_regression@\(h)h:slice=language=de,effect=0.25"),
            ("traffic", "traffic_shift@\(h)h:slice=language=de,share=0.5"),
        ])
    }

    /// The causal chain (issue #13): tool outages whose failed calls leave the answer ungrounded, so the grounded
    /// check (a retrieval-family check) fails with them while retrieval itself is healthy; the verdict must be
    /// tools. Timeouts and errors, two outage sizes, two coupling strengths.
    private static func chain() -> [SuiteCase] {
        withControls("chain", hours: Double(h + 8), rates: [200, 20], causes: [
            ("timeouts-grounded-0.9", "tool_outage@\(h)h:tool=refund_api,rate=0.5,mode=timeout,grounded=0.9"),
            ("errors-grounded-0.6", "tool_outage@\(h)h:tool=crm_lookup,rate=0.3,mode=error,grounded=0.6"),
        ])
    }

    /// Two components changed at once on one task (issue #13): a template rollout and a new tuned checkpoint on the
    /// same requests cannot be told apart from the logs (the incident must say so and name both); with the template
    /// at 50 % beside a full checkpoint rollout (or the reverse) the cohorts separate them and the verdict must be
    /// the right one, not "ambiguous".
    private static func ambiguous() -> [SuiteCase] {
        func at(_ rate: Double, _ name: String, _ cause: String, _ other: String, unidentifiable: Bool) -> SuiteCase {
            var c = SuiteCase(group: "ambiguous", name: name, cause: cause, benign: standardBenignDeploys() + [other],
                              requestsPerMinute: rate, hours: Double(h + 8))
            c.unidentifiable = unidentifiable
            return c
        }
        let checkpoint = "benign_model@\(h)h:model=tuned,version=ckpt-0600"
        return [200.0, 60].flatMap { rate -> [SuiteCase] in
            let suffix = "-\(Int(rate))"
            return [
                at(rate, "template+checkpoint-together" + suffix, "template_canary@\(h)h:task=refund_question,share=1,effect=0.3",
                   checkpoint, unidentifiable: true),
                at(rate, "template-50%+checkpoint" + suffix, "template_canary@\(h)h:task=refund_question,share=0.5,effect=0.3",
                   checkpoint, unidentifiable: false),
                at(rate, "checkpoint-50%+template" + suffix, "checkpoint_regression@\(h)h:task=refund_question,share=0.5,effect=0.3,version=ckpt-0600",
                   "benign_template@\(h)h:task=refund_question,share=1,version=9.9", unidentifiable: false),
                SuiteCase(group: "ambiguous", name: "quiet-control" + suffix, cause: nil,
                          benign: standardBenignDeploys() + [checkpoint, "benign_template@\(h)h:task=refund_question,share=1,version=9.9"],
                          requestsPerMinute: rate, hours: Double(h + 8)),
            ]
        }
    }

    /// Long quiet runs with benign bumps every few days: the false-alarm rate.
    private static func quiet(days: Int) -> [SuiteCase] {
        [20.0, 200].map { rate in
            SuiteCase(group: "quiet", name: "quiet-\(days)d-\(Int(rate))", cause: nil, benign: WorkloadPreset.quietBenignBumps(days: days),
                      requestsPerMinute: rate, hours: Double(days * 24))
        }
    }
}
