/// The measured outcome of one case × seed: what the analyzer said against what was injected.
///
/// Times are minutes relative to the injection (the ramp's start for a ramp). Optional fields are nil where they
/// do not apply (a quiet run has no cause; an undetected cause has no delay).
struct CaseResult: Sendable, Codable {
    var group: String
    var name: String
    var cause: String?
    var benign: [String]
    var requestsPerMinute: Double
    var hours: Double
    var seed: UInt64
    var records: Int
    /// Wall time of generating and analysing the run.
    var seconds: Double
    /// CPU time of the same (the thread's): what the run costs on an idle machine.
    var cpuSeconds: Double

    /// Ground truth of the cause.
    var trueComponent: String?
    var expectedAction: String?
    /// The cause's conjunction in the incident scope's vocabulary (`task`, `model_version`, a slice key, …).
    var expectedScope: [String: String]?

    /// An opened incident with the true component, on an affected task, detected after the injection.
    var detected: Bool?
    /// The component of the first incident opened on an affected task after the injection, or `none`.
    var namedComponent: String?
    var action: String?
    var actionRight: Bool?
    var onsetErrorMinutes: Double?
    var delayMinutes: Double?
    /// Whether the detected incident's scope contains every predicate of ``expectedScope``.
    var scopeNamed: Bool?
    var scopeMissing: [String]?
    var confidence: Double?
    /// Whether the incident names the version that changed (scope or recommendation), where the cause has one.
    var versionNamed: Bool?
    /// Whether the incident said it cannot tell the cause from a co-deployed change, and whether it should have.
    var ambiguous: Bool?
    var ambiguityExpected: Bool?
    /// For a ramp: detected by the ramp's half-way point.
    var detectedByHalfRamp: Bool?

    /// Incidents with the true component on affected tasks: how many incidents the one cause became.
    var causeIncidents: Int?
    /// Distinct tasks among them.
    var causeTasks: Int?
    /// Of those, how many resolved while the cause was still active.
    var resolvedWhileActive: Int?

    /// Opened incidents that do not match the cause (any incident at all in a quiet run).
    var falseAlarms: Int
    var falseAlarmsPer30Days: Double
    /// One line per false alarm: component/action, scope, detection time (hours from the start).
    var falseAlarmLines: [String]

    /// Confidence of every incident opened, with whether its component was right (false for false alarms).
    var confidences: [ConfidenceSample]
}

/// One incident's stated confidence and whether it named the right component.
struct ConfidenceSample: Sendable, Codable {
    var confidence: Double
    var right: Bool
    /// Whether the incident was on an affected task after the cause started (false for false alarms).
    var related: Bool
    /// How the component was chosen (`details.attribution_basis`) and that path's own score, the inputs of the
    /// confidence calibration (`Fixtures/fit_confidence.py`), and whether the component named first is the true one
    /// (an ambiguous incident's named component is right only when it is the truth).
    var basis: String? = nil
    var score: Double? = nil
    var componentRight: Bool? = nil
}
