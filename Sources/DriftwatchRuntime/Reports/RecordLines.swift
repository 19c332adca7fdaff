import DriftwatchCore
public import DriftwatchStore
import Foundation

/// Stored records as JSON Lines: what `driftwatch records` prints and the training export embeds.
public enum RecordLines {
    /// A stored line as a JSON object's text (trailing whitespace trimmed); nil when it is not one, which a stored
    /// record always is (lines that do not parse as objects are dead-lettered, never stored).
    static func jsonObject(_ line: [UInt8]) -> String? {
        var end = line.count
        while end > 0, [0x0A, 0x0D, 0x20, 0x09].contains(line[end - 1]) { end -= 1 }
        var start = 0
        while start < end, [0x20, 0x09].contains(line[start]) { start += 1 }
        guard end > start, line[start] == UInt8(ascii: "{"), line[end - 1] == UInt8(ascii: "}") else { return nil }
        return String(decoding: line[start..<end], as: UTF8.self)
    }

    /// Request ids listed in `path`: JSON Lines objects with a `request_id` (a training export, `analyze` output
    /// lines) or one bare id per line; blank lines are skipped. A line that is neither is an error naming it.
    public static func requestIDs(fromFile path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DriftwatchError(.invalidArgument, "cannot read --ids-from file \(path)")
        }
        var ids: [String] = []
        for (index, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if line.hasPrefix("{") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let id = object["request_id"] as? String else {
                    throw DriftwatchError(.invalidArgument, "\(path):\(index + 1): a JSON line without a string \"request_id\"")
                }
                ids.append(id)
            } else {
                ids.append(line)
            }
        }
        return ids
    }

    /// Writes the stored lines of records matching `query`, one per line, oldest first; returns how many. With
    /// `terminalSafe` (what `driftwatch records` prints), control characters and bidi overrides that JSON allows
    /// raw are written as `\uXXXX` escapes: the same JSON values, nothing a terminal acts on.
    public static func write(store: SQLiteStore, query: RecordQuery, terminalSafe: Bool = false, to output: (String) -> Void) throws -> Int {
        let records = try store.storedRecords(query)
        for record in records {
            let text = jsonObject(record.line) ?? String(decoding: record.line, as: UTF8.self)
            output(terminalSafe ? TerminalText.safeJSON(text) : text)
        }
        return records.count
    }
}
