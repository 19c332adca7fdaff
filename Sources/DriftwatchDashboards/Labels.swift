/// Short labels for charts that stay distinct: versions often share a long prefix (`index@2026-12-01-a` and
/// `…-b`), so cutting every label at the end would draw the same text twice. The full text goes in a `<title>`.
enum Labels {
    /// `labels` cut to at most `limit` characters each (unescaped). Labels whose end-cut collides keep their
    /// head and tail around a middle ellipsis; any still equal get a ` #n` suffix.
    static func distinct(_ labels: [String], limit: Int) -> [String] {
        let limit = max(limit, 6)
        var out = labels.map { cutEnd($0, limit) }
        var groups: [String: [Int]] = [:]
        for (i, s) in out.enumerated() { groups[s, default: []].append(i) }
        for (_, indices) in groups where indices.count > 1 {
            for i in indices { out[i] = cutMiddle(labels[i], limit) }
        }
        var seen: [String: Int] = [:]
        for (i, s) in out.enumerated() {
            let n = seen[s, default: 0] + 1
            seen[s] = n
            if n > 1 { out[i] = cutEnd(labels[i], limit - 3 - String(n).count) + " #\(n)" }
        }
        return out
    }

    static func cutEnd(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(max(1, limit - 1))) + "…"
    }

    /// Head and tail, the tail the longer part since versions differ at the end.
    static func cutMiddle(_ s: String, _ limit: Int) -> String {
        guard s.count > limit else { return s }
        let head = (limit - 1) / 3, tail = limit - 1 - head
        return String(s.prefix(head)) + "…" + String(s.suffix(tail))
    }
}
