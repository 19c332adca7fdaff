/// Text from logs made safe to print on an operator's terminal: a log line must not be able to retitle, clear or
/// spoof the terminal. C0 and C1 control characters (ESC, BEL, …) other than tab, and the bidirectional overrides
/// and isolates that reorder what is displayed, are shown as `\u{…}` escapes.
public enum TerminalText {
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A JSON text with the same value but no unsafe character raw: inside strings they become `\uXXXX` escapes
    /// (the value is unchanged), between tokens (only CR can be there) a space.
    public static func safeJSON(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        var inString = false
        var escaped = false
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                if inString {
                    let hex = String(scalar.value, radix: 16)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
                } else {
                    out.append(" ")
                }
                escaped = false
                continue
            }
            out.append(scalar)
            if escaped {
                escaped = false
            } else if scalar == "\\" && inString {
                escaped = true
            } else if scalar == "\"" {
                inString.toggle()
            }
        }
        return String(out)
    }

    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
