import DriftwatchCore
import Testing

/// The decoder predicts each next key from format order and matches it byte for byte; these lines
/// break every prediction (other orders, whitespace, escaped keys, near-miss names) and must still
/// decode to the same record.
@Suite("RecordDecoder key order and spelling")
struct RecordDecoderKeyOrderTests {
    let encoder = RecordEncoder()
    let decoder = RecordDecoder()

    @Test("reordered, spaced and escaped keys decode like the canonical line", arguments: [KeyRewrite.reversed, .rotated, .spaced, .escapedKeys])
    func rewrites(rewrite: KeyRewrite) throws {
        var g = SeededGenerator(seed: 2718)
        for i in 0..<400 {
            let record = i % 2 == 0 ? RecordFixtures.realisticRecord(&g, index: i) : RecordFixtures.randomRecord(&g)
            let line = String(decoding: encoder.encode(record), as: UTF8.self)
            var parser = LineTree.Parser(text: Array(line.unicodeScalars))
            let tree = parser.value()
            let rewritten = tree.render(rewrite)
            #expect(rewritten != line)
            #expect(tree.render(.none) == line)
            #expect(try decoder.decode(Array(rewritten.utf8)) == record, "line: \(rewritten)")
        }
    }

    @Test("keys that only start like a known key are unknown fields")
    func nearMisses() throws {
        let line = #"{"request_idx":"no","request_id":"r","timestamp":0,"model":{"nam":"x","name":"m","names":1,"# +
            #""version":"v","versions":"w"},"tokens":{"inputs":9,"input":1,"output":2,"output ":3},"# +
            #""tool":[],"tools":[{"name":"t","status":"ok","stat":"bad"}]}"#
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.requestID == "r")
        #expect(r.model == ModelInfo(name: "m", version: "v"))
        #expect(r.tokens == TokenUsage(input: 1, output: 2))
        #expect(r.tools == [ToolCall(name: "t", status: .ok)])
    }

    @Test("a predicted key cut off at the end of the line is a syntax error, not a match")
    func truncatedPrediction() {
        for line in [#"{"request_id":"r","timestamp""#, #"{"request_id":"r","timestamp":"#, #"{"request_id":"r","#] {
            #expect(throws: RecordDecodingError.self) { try decoder.decode(Array(line.utf8)) }
            do {
                _ = try decoder.decode(Array(line.utf8))
            } catch {
                #expect(error.code == "invalid_json", "\(line)")
            }
        }
    }
}

enum KeyRewrite: CaseIterable, Sendable {
    case reversed, rotated, spaced, escapedKeys
    /// Writes the line back unchanged (checks the tree itself).
    case none
}

/// A JSON line as a tree that keeps scalars as their exact text, so it can be written back with
/// other key orders, whitespace or escapes without changing any value.
indirect enum LineTree {
    case scalar(String)
    case array([LineTree])
    case object([(key: String, value: LineTree)])

    struct Parser {
        let text: [Unicode.Scalar]
        var i = 0

        mutating func skipSpace() { while i < text.count, text[i] == " " { i += 1 } }

        /// The raw text of a string, quotes and escapes included.
        mutating func rawString() -> String {
            var s = "\""
            i += 1
            while text[i] != "\"" {
                if text[i] == "\\" { s.unicodeScalars.append(text[i]); i += 1 }
                s.unicodeScalars.append(text[i])
                i += 1
            }
            i += 1
            return s + "\""
        }

        mutating func value() -> LineTree {
            skipSpace()
            switch text[i] {
            case "{":
                i += 1
                var fields: [(key: String, value: LineTree)] = []
                skipSpace()
                while text[i] != "}" {
                    if text[i] == "," { i += 1; skipSpace() }
                    let key = rawString()
                    skipSpace()
                    i += 1 // ':'
                    fields.append((key, value()))
                    skipSpace()
                }
                i += 1
                return .object(fields)
            case "[":
                i += 1
                var items: [LineTree] = []
                skipSpace()
                while text[i] != "]" {
                    if text[i] == "," { i += 1 }
                    items.append(value())
                    skipSpace()
                }
                i += 1
                return .array(items)
            case "\"":
                return .scalar(rawString())
            default:
                var s = ""
                while i < text.count, !",}] ".unicodeScalars.contains(text[i]) {
                    s.unicodeScalars.append(text[i])
                    i += 1
                }
                return .scalar(s)
            }
        }
    }

    /// Writes the tree back; slices keep their order (it is part of the record).
    func render(_ rewrite: KeyRewrite, inSlices: Bool = false) -> String {
        switch self {
        case .scalar(let s):
            return s
        case .array(let items):
            let sep = rewrite == .spaced ? " , " : ","
            return (rewrite == .spaced ? "[ " : "[") + items.map { $0.render(rewrite) }.joined(separator: sep) + "]"
        case .object(var fields):
            if !inSlices {
                switch rewrite {
                case .reversed: fields.reverse()
                case .rotated: if fields.count > 1 { fields.append(fields.removeFirst()) }
                default: break
                }
            }
            let parts = fields.map { field -> String in
                var key = field.key
                if rewrite == .escapedKeys, key.count > 2 {
                    // Spell the first character as a \u escape: "name" becomes "\u006eame".
                    let first = key.unicodeScalars.dropFirst().first!
                    if first.isASCII, first != "\\" {
                        let hex = String(first.value, radix: 16)
                        key = "\"\\u" + String(repeating: "0", count: 4 - hex.count) + hex + String(key.unicodeScalars.dropFirst(2))
                    }
                }
                let value = field.value.render(rewrite, inSlices: field.key == "\"slices\"")
                return rewrite == .spaced ? "\n\(key) :\t\(value) " : "\(key):\(value)"
            }
            return "{" + parts.joined(separator: ",") + "}"
        }
    }
}
