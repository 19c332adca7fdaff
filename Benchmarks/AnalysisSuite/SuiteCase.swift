import DriftwatchDemo

/// One workload of the suite: at most one injected cause among benign deploys, run at one rate for a fixed length.
///
/// A case without a cause is a quiet run: every incident it opens is a false alarm.
struct SuiteCase: Sendable {
    /// The group the case belongs to (`narrow`, `quiet`, …), as `--cases` selects it.
    var group: String
    var name: String
    /// The injected cause in spec form, or nil for a quiet run.
    var cause: String?
    /// Benign deploys (and rollbacks) in spec form; every run has some, as the issue asks.
    var benign: [String]
    var requestsPerMinute: Double
    var hours: Double
    var noise = 0.1
    /// The cause shipped with a version of another component to exactly the same requests: the logs cannot tell
    /// the two apart, and the incident must say so (issue #13). False: it must not.
    var unidentifiable: Bool?

    var specs: [String] { (cause.map { [$0] } ?? []) + benign }
    var isQuiet: Bool { cause == nil }
}

/// Where causes start: after a full 24-hour baseline window plus two hours, so the analyzer has a complete
/// baseline and a settled state when the cause arrives.
let injectionHour = 26

/// Benign deploys every incident case carries: a tuned-model bump before the cause (a later checkpoint replaces
/// it), a 50 % template canary and a general-model bump during warm-up, and after the cause a fallback-model bump,
/// an invoice template canary and a tool version bump. None touches what a cause in this suite changes.
func standardBenignDeploys() -> [String] {
    let h = injectionHour
    return [
        "benign_model@8h:model=tuned,version=ckpt-0501",
        "benign_template@14h:task=policy_lookup,share=0.5,version=5.1",
        "benign_model@20h:model=general,version=2024-12-17",
        "benign_model@\(h + 3)h:model=fallback,version=2024-11-21",
        "benign_template@\(h + 4)h:task=invoice_extraction,share=0.3,version=12.1",
        "benign_tool@\(h + 6)h:tool=crm_lookup",
    ]
}
