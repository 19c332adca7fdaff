import DriftwatchIngest

/// A configured source's glob patterns with the files each matches now, as `status` and `config check` show them.
public struct SourceMatches: Sendable, Codable, Equatable {
    public struct Pattern: Sendable, Codable, Equatable {
        public var pattern: String
        /// Regular files the pattern matches right now.
        public var matches: Int
    }

    public var name: String
    public var format: String
    public var mapped: Bool
    public var patterns: [Pattern]

    /// Expands every source's patterns now.
    public static func of(_ sources: [DriftwatchConfiguration.LogSource]) -> [SourceMatches] {
        sources.map { source in
            SourceMatches(name: source.name, format: source.format.rawValue, mapped: source.mapping != nil,
                          patterns: source.paths.map { Pattern(pattern: $0, matches: FileDiscovery(patterns: [$0]).discover().count) })
        }
    }

    /// Text lines: the source, then one line per pattern; an empty glob says so.
    public var lines: [String] {
        ["  \(name) (\(mapped ? "fields: mapping" : format))"] + patterns.map { p in
            "    \(p.pattern)  " + (p.matches == 0 ? "matches no file" : "\(p.matches) file\(p.matches == 1 ? "" : "s")")
        }
    }
}
