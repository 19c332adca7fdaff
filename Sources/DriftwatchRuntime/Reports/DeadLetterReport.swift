import DriftwatchCore
public import DriftwatchStore

/// What `driftwatch dead-letters` prints.
public struct DeadLetterReport: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var id: Int64
        public var file: String
        public var offset: UInt64
        public var length: UInt64
        public var code: String
        public var reason: String
        /// The start of the line, as text with invalid UTF-8 replaced.
        public var excerpt: String
        public var createdAt: String

        enum CodingKeys: String, CodingKey {
            case id, file, offset, length, code, reason, excerpt
            case createdAt = "created_at"
        }
    }

    public var total: Int64
    public var entries: [Entry]

    public static func make(store: SQLiteStore, limit: Int) throws -> DeadLetterReport {
        let entries = try store.deadLetters(limit: limit).map { stored in
            Entry(
                id: stored.id,
                file: stored.letter.source,
                offset: stored.letter.offset,
                length: stored.letter.length,
                code: stored.letter.code,
                reason: stored.letter.reason,
                excerpt: String(decoding: stored.letter.raw, as: UTF8.self),
                createdAt: RFC3339.format(micros: stored.createdAtMicros)
            )
        }
        return DeadLetterReport(total: try store.summary().deadLetters, entries: entries)
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        if entries.isEmpty { return "no dead letters" }
        var lines = ["\(formatCount(total)) dead letters" + (Int64(entries.count) < total ? " (showing the newest \(entries.count))" : "")]
        for e in entries {
            let excerpt = e.excerpt.count > 120 ? String(e.excerpt.prefix(117)) + "..." : e.excerpt
            lines.append("\(e.file):\(e.offset) [\(e.code)] \(e.reason)")
            lines.append("    \(excerpt.map { $0.isNewline ? " " : $0 }.reduce(into: "") { $0.append($1) })")
        }
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}
