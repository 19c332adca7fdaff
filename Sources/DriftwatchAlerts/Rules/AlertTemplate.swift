import Foundation

/// Annotation templates: `{{ name }}` (or Go-template style `{{ .name }}` / `{{ $labels.name }}`) replaced by
/// the value of a dotted key in the alert's context; unknown keys render as empty text.
public enum AlertTemplate {
    public static func render(_ template: String, context: [String: String]) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                output += rest[open.lowerBound...]
                return output
            }
            output += context[key(rest[open.upperBound..<close.lowerBound])] ?? ""
            rest = rest[close.upperBound...]
        }
        output += rest
        return output
    }

    /// nil when the template is well formed, else what is wrong.
    public static func validate(_ template: String) -> String? {
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return "has a \"{{\" without a closing \"}}\"" }
            let name = key(rest[open.upperBound..<close.lowerBound])
            if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
                return "has a placeholder \"{{\(rest[open.upperBound..<close.lowerBound])}}\" that is not a field name such as {{ component }} or {{ scope.task }}"
            }
            rest = rest[close.upperBound...]
        }
        return nil
    }

    /// The field names a well-formed template refers to, in order.
    public static func placeholders(_ template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(key(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return names
    }

    static func key(_ raw: Substring) -> String {
        var name = raw.trimmingCharacters(in: " \t")
        if name.hasPrefix("$labels.") { name = "labels." + name.dropFirst(8) }
        if name == "$value" { name = "value" }
        if name.hasPrefix(".") { name.removeFirst() }
        return name
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
