/// "Did you mean …?" for a mistyped subcommand: the closest name by edit distance, where a swap of two neighbouring
/// letters counts as one edit (`statsu` → `status`), or the only name the word is a prefix of.
public enum CommandSuggestion {
    /// The best candidate for `word`, or nil when none is close enough to be a likely typo.
    public static func suggest(_ word: String, among candidates: [String]) -> String? {
        let w = word.lowercased()
        let prefixed = candidates.filter { $0.hasPrefix(w) }
        if w.count >= 2, prefixed.count == 1 { return prefixed[0] }
        // Up to one edit for short names, two from six letters, a third of the name beyond that.
        let limit = max(1, min(w.count, 9) / 3)
        let scored = candidates.map { (name: $0, distance: distance(w, $0)) }.filter { $0.distance <= limit }
        guard let best = scored.min(by: { ($0.distance, $0.name) < ($1.distance, $1.name) }) else { return nil }
        return best.name
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
