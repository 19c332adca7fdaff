import Foundation

/// Human text by default; `json` for programs.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// Encodes reports as stable, pretty, key-sorted JSON with snake_case keys and explicit nulls (docs/json.md).
package enum ReportJSON {
    package static func encode(_ value: some Encodable) throws -> String {
        try ReportJSONEncoder.encode(value)
    }
}

package func formatCount(_ n: Int64) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + String(out.reversed())
}

package func formatBytes(_ n: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(n)
    var unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
}
