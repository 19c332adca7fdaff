/// Writes metric families in the Prometheus text exposition format, version 0.0.4.
enum PrometheusTextRenderer {
    static func render(_ families: [MetricsRegistry.Family]) -> String {
        var out = ""
        out.reserveCapacity(families.count * 160)
        for f in families {
            out += "# HELP \(f.name) \(escapeHelp(f.help))\n"
            out += "# TYPE \(f.name) \(f.kind.rawValue)\n"
            if f.labelNames.isEmpty {
                out += "\(f.name) \(format(f.values[[]] ?? 0))\n"
                continue
            }
            for (labels, value) in f.values.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                out += f.name
                out += "{"
                for (i, (name, v)) in zip(f.labelNames, labels).enumerated() {
                    if i > 0 { out += "," }
                    out += "\(name)=\"\(escapeLabelValue(v))\""
                }
                out += "} \(format(value))\n"
            }
        }
        return out
    }

    /// HELP text escapes backslash and newline.
    static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Label values additionally escape the double quote.
    static func escapeLabelValue(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        if v.rounded() == v, abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func isValidMetricName(_ s: String) -> Bool {
        guard let first = s.utf8.first else { return false }
        return (isLetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ":"))
            && s.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }
    }

    static func isValidLabelName(_ s: String) -> Bool {
        guard let first = s.utf8.first, !s.hasPrefix("__") else { return false }
        return (isLetter(first) || first == UInt8(ascii: "_")) && s.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
