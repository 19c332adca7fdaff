/// Escaping for untrusted text on its way into a page. Everything that came from a log (task names, slice
/// values, versions, reasons) passes through here: log content is attacker-controlled input.
public enum HTML {
    /// Text for element content or a double-quoted attribute value: `& < > " '` become entities; control
    /// characters other than tab and newline, and bidirectional overrides/isolates (which could visually reorder
    /// the surrounding text, "Trojan Source" style), are dropped. Right-to-left letters themselves stay.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) { continue }
                if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Longest untrusted string shown in full; longer ones are cut with the whole text in a `title`.
    public static let displayLimit = 80

    /// Escaped text, cut to `limit` characters with an ellipsis and the full (escaped) text as a tooltip, and
    /// isolated with `<bdi>` so right-to-left text cannot reorder the surrounding layout.
    public static func text(_ text: String, limit: Int = displayLimit) -> String {
        if text.count <= limit { return "<bdi>\(escape(text))</bdi>" }
        let cut = String(text.prefix(limit - 1)) + "…"
        return "<bdi title=\"\(escape(text))\">\(escape(cut))</bdi>"
    }

    /// `text` shown as `shown` (a cut from ``Labels/distinct(_:limit:)``), with the full text as a tooltip when
    /// they differ; isolated like ``text(_:limit:)``.
    static func label(_ text: String, shown: String) -> String {
        shown == text ? "<bdi>\(escape(text))</bdi>" : "<bdi title=\"\(escape(text))\">\(escape(shown))</bdi>"
    }

    /// Plain escaped text cut to `limit` characters: for SVG `<text>` and `aria-label`s, where no markup may go.
    public static func short(_ text: String, limit: Int = displayLimit) -> String {
        escape(text.count <= limit ? text : String(text.prefix(limit - 1)) + "…")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986), so log text in a URL can neither end
    /// the attribute, change the scheme (`javascript:`) nor add path segments.
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// A link to a local file: each path segment percent-encoded, so the URL cannot carry a scheme
    /// (`javascript:` becomes `javascript%3A`), a query or a fragment. Absolute paths become `file://` URLs.
    public static func fileLink(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.map { percentEncode(String($0)) }
        guard !segments.isEmpty else { return nil }
        return (path.hasPrefix("/") ? "file:///" : "") + segments.joined(separator: "/")
    }
}
