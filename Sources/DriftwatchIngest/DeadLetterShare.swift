/// A file most of whose first lines were dead-lettered: almost always a service logging another schema
/// than format v1 (a source without `fields:`, or a mapping that does not fit), worth a loud warning
/// rather than a silent dead-letter table.
public struct DeadLetterWarning: Sendable, Equatable, Codable {
    public var path: String
    /// Lines looked at (the first ``DeadLetterShare/sampleLines`` read of the file, or fewer).
    public var lines: UInt64
    public var deadLetters: UInt64
    /// The reason of the first dead letter among them.
    public var firstReason: String

    public init(path: String, lines: UInt64, deadLetters: UInt64, firstReason: String) {
        self.path = path
        self.lines = lines
        self.deadLetters = deadLetters
        self.firstReason = firstReason
    }

    enum CodingKeys: String, CodingKey {
        case path, lines
        case deadLetters = "dead_letters"
        case firstReason = "first_reason"
    }

    /// One sentence for people.
    public var message: String {
        "\(path): \(deadLetters) of the first \(lines) lines were dead-lettered (first: \(firstReason)); "
            + "if the service logs its own field names, map them with fields: in its source (see docs/configuration.md)"
    }
}

/// Counts lines and dead letters among the first lines read of each file (by fingerprint) and says
/// when more than half were dead-lettered: judged at the ``sampleLines``-th line, or earlier once at
/// least ``earlyLines`` lines show it (``judgeEarly()``), or for whatever was read (``judgeAll()``,
/// at the end of a backfill). A file is reported at most once.
///
/// Per line it costs a comparison of the fingerprint with the previous line's (the same string
/// storage while a file is read) and two additions; the dictionary is touched when the file changes.
struct DeadLetterShare {
    static let sampleLines: UInt64 = 1000
    static let earlyLines: UInt64 = 20

    private struct Sample {
        var path: String
        var lines: UInt64 = 0
        var dead: UInt64 = 0
        var firstReason: String?
        var reported = false
    }

    private var samples: [String: Sample] = [:]
    private var currentFingerprint: String?
    private var current = Sample(path: "")
    /// Warnings not yet taken by ``takeWarnings()``.
    private var pending: [DeadLetterWarning] = []

    @inline(__always)
    mutating func note(fingerprint: String, path: String, deadReason: String?) {
        if fingerprint != currentFingerprint { switchTo(fingerprint, path: path) }
        guard current.lines < Self.sampleLines else { return }
        current.lines += 1
        if let deadReason {
            current.dead += 1
            if current.firstReason == nil { current.firstReason = deadReason }
        }
        if current.lines == Self.sampleLines, let warning = Self.judge(&current) { pending.append(warning) }
    }

    private mutating func switchTo(_ fingerprint: String, path: String) {
        if let previous = currentFingerprint { samples[previous] = current }
        currentFingerprint = fingerprint
        current = samples[fingerprint] ?? Sample(path: path)
        current.path = path
    }

    private static func judge(_ sample: inout Sample) -> DeadLetterWarning? {
        guard !sample.reported, sample.lines > 0, sample.dead * 2 > sample.lines else { return nil }
        sample.reported = true
        return DeadLetterWarning(path: sample.path, lines: sample.lines, deadLetters: sample.dead, firstReason: sample.firstReason ?? "")
    }

    /// Files with at least ``earlyLines`` lines read, more than half of them dead letters.
    mutating func judgeEarly() { judgeEvery(minimumLines: Self.earlyLines) }

    /// Every file read, however few its lines.
    mutating func judgeAll() { judgeEvery(minimumLines: 1) }

    private mutating func judgeEvery(minimumLines: UInt64) {
        if let fingerprint = currentFingerprint { samples[fingerprint] = current }
        for key in Array(samples.keys) where samples[key]!.lines >= minimumLines {
            if let warning = Self.judge(&samples[key]!) { pending.append(warning) }
        }
        if let fingerprint = currentFingerprint { current = samples[fingerprint]! }
    }

    mutating func takeWarnings() -> [DeadLetterWarning] {
        defer { pending.removeAll() }
        return pending
    }
}
