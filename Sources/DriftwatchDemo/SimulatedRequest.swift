import DriftwatchCore

/// One simulated request in compact form: catalog indexes and numbers, no heap allocations.
///
/// The simulator fills it; ``SimulatorTables`` turns it into a ``RequestRecord`` for the public sequence, and
/// ``LineRenderer`` writes it straight to JSON from precomputed fragments, which is what makes the writer fast.
struct SimulatedRequest: Sendable {
    var index = 0
    var timestamp: Int64 = 0
    var task = 0
    var role = 0
    var modelVersion = ""
    var templateVersion = ""
    var release = 0
    var pool = -1
    var indexVersion = ""
    var evidenceCount = 0
    var documents = Fixed8<Int32>(repeating: 0)
    var scores = Fixed8<Double>(repeating: 0)
    var staleMicros: Int64 = 0
    var toolCount = 0
    var toolIndexes = Fixed8<Int8>(repeating: 0)
    var toolStatuses = Fixed8<ToolStatus>(repeating: .ok)
    var toolLatencies = Fixed8<Double>(repeating: 0)
    var toolVersions = Fixed8<String>(repeating: "")
    var validationMask = 0
    var outcome = Outcome.success
    /// 0 none, 1 user, 2 reviewer.
    var feedbackSource = 0
    var feedbackScore = 0.0
    var totalMs = 0.0
    var retrievalMs = 0.0
    var toolsMs = 0.0
    var generationMs = 0.0
    var validationMs = 0.0
    var inputTokens = 0
    var outputTokens = 0
    var cost = 0.0
    var retries = 0
    var sliceCombination = 0

    var isFallback: Bool { role == WorkloadCatalog.ModelRole.fallback.rawValue }
}

/// Eight values stored inline (a tuple), for per-request lists whose length the catalog bounds.
struct Fixed8<Element> {
    private var storage: (Element, Element, Element, Element, Element, Element, Element, Element)

    init(repeating value: Element) {
        storage = (value, value, value, value, value, value, value, value)
    }

    static var capacity: Int { 8 }

    /// A switch rather than a pointer cast: reading one element must not copy the whole tuple.
    subscript(i: Int) -> Element {
        get {
            switch i {
            case 0: return storage.0
            case 1: return storage.1
            case 2: return storage.2
            case 3: return storage.3
            case 4: return storage.4
            case 5: return storage.5
            case 6: return storage.6
            case 7: return storage.7
            default: preconditionFailure("Fixed8 index \(i) out of range")
            }
        }
        set {
            switch i {
            case 0: storage.0 = newValue
            case 1: storage.1 = newValue
            case 2: storage.2 = newValue
            case 3: storage.3 = newValue
            case 4: storage.4 = newValue
            case 5: storage.5 = newValue
            case 6: storage.6 = newValue
            case 7: storage.7 = newValue
            default: preconditionFailure("Fixed8 index \(i) out of range")
            }
        }
    }
}

extension Fixed8: Sendable where Element: Sendable {}
