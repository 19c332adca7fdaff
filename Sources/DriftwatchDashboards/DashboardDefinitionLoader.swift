import DriftwatchCore
import Foundation
import Yams

/// Reads dashboard definitions from YAML. Like the configuration loader, errors name the file, the line and
/// the key (as a dotted path) and say what was expected; unknown keys are errors, so a typo is not silently a
/// panel that never appears.
public struct DashboardDefinitionLoader: Sendable {
    public init() {}

    /// Every `*.yaml`/`*.yml` file of `directory`, ordered by `order` then id.
    public func loadDirectory(_ directory: String) throws -> [DashboardDefinition] {
        // Said in words rather than Foundation's error text ("The operation could not be completed…").
        let advice = "(dashboards.definitions or --definitions; leave both out to use the shipped definitions)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw DriftwatchError(.invalidConfig, "\(directory): no such dashboard definitions directory \(advice)")
        }
        guard isDirectory.boolValue else {
            throw DriftwatchError(.invalidConfig, "\(directory): not a directory; expected a directory of dashboard definitions (*.yaml) \(advice)")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw DriftwatchError(.invalidConfig, "\(directory): cannot list the dashboard definitions directory (permission denied?) \(advice)")
        }
        var definitions: [DashboardDefinition] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw DriftwatchError(.invalidConfig, "\(path): cannot read the dashboard definition as UTF-8 text")
            }
            let id = String(name[..<name.lastIndex(of: ".")!])
            definitions.append(try load(yaml: text, id: id, file: path))
        }
        guard !definitions.isEmpty else {
            throw DriftwatchError(.invalidConfig, "\(directory): holds no dashboard definitions (*.yaml)")
        }
        return Self.ordered(definitions)
    }

    /// The definitions shipped with Driftwatch (the files of `Dashboards/`, compiled in).
    public func defaults() -> [DashboardDefinition] {
        // The shipped files are tested to load; a failure here is a build defect.
        Self.ordered(DefaultDashboards.files.map { try! load(yaml: $0.yaml, id: $0.id, file: "Dashboards/\($0.id).yaml") })
    }

    static func ordered(_ definitions: [DashboardDefinition]) -> [DashboardDefinition] {
        definitions.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
    }

    /// One definition; `id` is the file name without extension.
    public func load(yaml: String, id: String, file: String) throws -> DashboardDefinition {
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw DriftwatchError(.invalidConfig, "\(file): the file name must use only letters, digits, '-' and '_' (it names the page)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw DriftwatchError(.invalidConfig, "\(file): not valid YAML: \(error)")
        }
        guard let root else { throw DriftwatchError(.invalidConfig, "\(file): the dashboard definition is empty") }
        let r = DefinitionReader(file: file)
        let top = try r.mapping(root, path: "")
        try r.allowOnly(top, ["title", "description", "order", "range", "resolution", "filters", "panels"], path: "")
        guard let titleNode = top["title"] else { throw r.error(root, path: "title", "is required") }
        guard let panelsNode = top["panels"] else { throw r.error(root, path: "panels", "is required (a list of panels)") }
        var definition = DashboardDefinition(id: id, title: try r.string(titleNode, path: "title"),
                                             rangeMicros: try top["range"].map { try r.duration($0, path: "range") }, panels: [])
        if let n = top["description"] { definition.description = try r.string(n, path: "description") }
        if let n = top["order"] { definition.order = try r.int(n, path: "order", minimum: 0) }
        if let n = top["resolution"] { definition.resolutionMicros = try r.duration(n, path: "resolution") }
        if let n = top["filters"] {
            let fields = try r.mapping(n, path: "filters")
            try r.allowOnly(fields, ["task", "values"], path: "filters")
            if let t = fields["task"] { definition.filters.tasks = try r.strings(t, path: "filters.task") }
            if let v = fields["values"] {
                for (key, node) in try r.mapping(v, path: "filters.values") {
                    definition.filters.values[key] = try r.strings(node, path: "filters.values.\(key)")
                }
            }
        }
        let items = try r.sequence(panelsNode, path: "panels")
        guard !items.isEmpty else { throw r.error(panelsNode, path: "panels", "must list at least one panel") }
        for (i, item) in items.enumerated() {
            definition.panels.append(try panel(item, path: "panels[\(i)]", reader: r))
        }
        return definition
    }

    private func panel(_ node: Node, path: String, reader r: DefinitionReader) throws -> PanelDefinition {
        let fields = try r.mapping(node, path: path)
        try r.allowOnly(fields, ["title", "type", "description", "metric", "metrics", "dimension", "limit", "markers"], path: path)
        guard let titleNode = fields["title"] else { throw r.error(node, path: "\(path).title", "is required") }
        guard let typeNode = fields["type"] else {
            throw r.error(node, path: "\(path).type", "is required; expected one of: \(PanelDefinition.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let typeName = try r.string(typeNode, path: "\(path).type")
        guard let kind = PanelDefinition.Kind(rawValue: typeName) else {
            throw r.error(typeNode, path: "\(path).type", "expected one of: \(PanelDefinition.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(typeName)\"")
        }
        var panel = PanelDefinition(title: try r.string(titleNode, path: "\(path).title"), kind: kind)
        if let n = fields["description"] { panel.description = try r.string(n, path: "\(path).description") }
        if let n = fields["metric"] { panel.metric = try metric(n, path: "\(path).metric", reader: r) }
        if let n = fields["metrics"] {
            panel.metrics = try r.sequence(n, path: "\(path).metrics").enumerated().map { try metric($1, path: "\(path).metrics[\($0)]", reader: r) }
        }
        if let n = fields["dimension"] { panel.dimension = try r.string(n, path: "\(path).dimension") }
        if let n = fields["limit"] { panel.limit = try r.int(n, path: "\(path).limit", minimum: 1) }
        if let n = fields["markers"] { panel.markers = try r.strings(n, path: "\(path).markers") }
        switch kind {
        case .timeseries, .heatmap:
            if panel.metric == nil {
                if kind == .heatmap { panel.metric = .successRate } else { throw r.error(node, path: "\(path).metric", "is required for a \(kind.rawValue) panel") }
            }
        case .table:
            if panel.metrics.isEmpty { throw r.error(node, path: "\(path).metrics", "is required for a table panel (a list of metrics)") }
        case .versions:
            if fields["dimension"] == nil { panel.dimension = "model_version" }
        case .tools, .incidents, .drift:
            break
        }
        return panel
    }

    private func metric(_ node: Node, path: String, reader r: DefinitionReader) throws -> DashboardMetric {
        let name = try r.string(node, path: path)
        guard let metric = DashboardMetric(rawValue: name) else {
            throw r.error(node, path: path, "expected a metric, one of: \(DashboardMetric.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(name)\"")
        }
        return metric
    }
}

/// Typed access to YAML nodes with errors pointing at file, line and key.
struct DefinitionReader {
    let file: String

    func error(_ node: Node, path: String, _ expectation: String) -> DriftwatchError {
        let line = node.mark.map { ", line \($0.line)" } ?? ""
        return DriftwatchError(.invalidConfig, "\(file)\(line): key \"\(path.isEmpty ? "(top level)" : path)\" \(expectation)")
    }

    func mapping(_ node: Node, path: String) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw error(node, path: path, "expected a mapping of keys to values") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, path: path, "has a key that is not a string") }
            result[name] = value
        }
        return result
    }

    func allowOnly(_ fields: [String: Node], _ keys: Set<String>, path: String) throws {
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !keys.contains(key) {
            throw error(value, path: path.isEmpty ? key : path + "." + key, "is not a known setting; expected one of: \(keys.sorted().joined(separator: ", "))")
        }
    }

    func sequence(_ node: Node, path: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, path: path, "expected a list") }
        return Array(sequence)
    }

    func string(_ node: Node, path: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw error(node, path: path, "expected a non-empty string") }
        return scalar.string
    }

    /// A list of strings, or one string.
    func strings(_ node: Node, path: String) throws -> [String] {
        if case .scalar = node { return [try string(node, path: path)] }
        return try sequence(node, path: path).enumerated().map { try string($1, path: "\(path)[\($0)]") }
    }

    func int(_ node: Node, path: String, minimum: Int) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), value >= minimum else {
            throw error(node, path: path, "expected a whole number of at least \(minimum)")
        }
        return value
    }

    /// `90m`, `24h`, `7d`, `2w`; a bare number is seconds. Returns microseconds.
    func duration(_ node: Node, path: String) throws -> Int64 {
        guard case .scalar(let scalar) = node, let value = Self.parseDuration(scalar.string), value > 0 else {
            throw error(node, path: path, "expected a positive duration such as 30m, 24h or 7d")
        }
        return value
    }

    static func parseDuration(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000),
                                        ("d", 86_400_000_000), ("w", 7 * 86_400_000_000)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let n = Int64(t.dropLast(suffix.count)) else { continue }
            return n * scale
        }
        return Int64(t).map { $0 * 1_000_000 }
    }
}
