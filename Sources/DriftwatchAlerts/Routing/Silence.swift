public import DriftwatchStore
public import Foundation

/// A silence: alerts whose labels match every matcher are not notified between `startsAt` and `endsAt`
/// (wall-clock microseconds, as silences outlive restarts and are set by people).
public struct Silence: Sendable, Equatable {
    public var id: String
    public var matchers: [LabelMatcher]
    public var startsAtMicros: Int64
    public var endsAtMicros: Int64
    public var createdBy: String
    public var comment: String

    public init(id: String = UUID().uuidString.lowercased(), matchers: [LabelMatcher], startsAtMicros: Int64, endsAtMicros: Int64,
                createdBy: String = "", comment: String = "") {
        self.id = id
        self.matchers = matchers
        self.startsAtMicros = startsAtMicros
        self.endsAtMicros = endsAtMicros
        self.createdBy = createdBy
        self.comment = comment
    }

    public func isActive(atMicros now: Int64) -> Bool { startsAtMicros <= now && now < endsAtMicros }

    public func mutes(_ labels: LabelSet, atMicros now: Int64) -> Bool { isActive(atMicros: now) && !matchers.isEmpty && matchers.matches(labels) }

    /// The stored form.
    public var row: SilenceRow {
        let text = String(decoding: (try? JSONEncoder().encode(matchers.map(\.description))) ?? Data("[]".utf8), as: UTF8.self)
        return SilenceRow(id: id, matchers: text, startsAtMicros: startsAtMicros, endsAtMicros: endsAtMicros, createdBy: createdBy,
                          comment: comment, createdAtMicros: startsAtMicros)
    }

    public init(row: SilenceRow) throws {
        let texts = try JSONDecoder().decode([String].self, from: Data(row.matchers.utf8))
        self.init(id: row.id, matchers: try texts.map { try LabelMatcher(parsing: $0) }, startsAtMicros: row.startsAtMicros,
                  endsAtMicros: row.endsAtMicros, createdBy: row.createdBy, comment: row.comment)
    }
}
