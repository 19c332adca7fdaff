import DriftwatchCore
public import DriftwatchDrift
public import Foundation

/// The file `driftwatch drift --incidents FILE` joins instead of the store's incidents: what `driftwatch analyze
/// --format json` printed (the natural thing to hand over), or a list of incident summaries
/// (`[{id?, component, scope, slices?, action, from_micros?, to_micros?}]`).
public enum IncidentsFile {
    public static func read(path: String) throws -> [IncidentSummary] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DriftwatchError(.invalidArgument, "--incidents \(path): cannot read the file (does it exist?)")
        }
        return try parse(data, path: path)
    }

    static let expected = "expected the output of `driftwatch analyze --format json` or a list of "
        + "{component, scope, action, id?, slices?, from_micros?, to_micros?}"

    public static func parse(_ data: Data, path: String) throws -> [IncidentSummary] {
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw DriftwatchError(.invalidArgument, "--incidents \(path): not JSON; \(expected)")
        }
        if let report = json as? [String: Any] {
            guard let incidents = report["incidents"] as? [[String: Any]] else {
                throw DriftwatchError(.invalidArgument, "--incidents \(path): an object without an \"incidents\" list; \(expected)")
            }
            return try incidents.enumerated().flatMap { try summaries(analyzed: $0.element, at: "incidents[\($0.offset)]", path: path) }
        }
        guard let items = json as? [[String: Any]] else {
            throw DriftwatchError(.invalidArgument, "--incidents \(path): \(expected)")
        }
        return try items.enumerated().map { try summary(listed: $0.element, at: "[\($0.offset)]", path: path) }
    }

    /// One incident of `analyze --format json`, as `DriftRunner.summaries` makes it from the store: one summary per
    /// scope its cause hit, withdrawn incidents left out.
    static func summaries(analyzed incident: [String: Any], at key: String, path: String) throws -> [IncidentSummary] {
        func field(_ name: String) throws -> String {
            guard let value = incident[name] as? String, !value.isEmpty else {
                throw DriftwatchError(.invalidArgument, "--incidents \(path): \(key).\(name) is missing or not a string; \(expected)")
            }
            return value
        }
        let recommendation = incident["recommendation"] as? [String: Any]
        guard let action = recommendation?["action"] as? String else {
            throw DriftwatchError(.invalidArgument, "--incidents \(path): \(key).recommendation.action is missing; \(expected)")
        }
        if (recommendation?["details"] as? [String: Any])?["withdrawn"] != nil { return [] }
        let id = try field("id")
        let component = try field("component")
        let open = (incident["status"] as? String) == "open"
        let from = (incident["started_at_us"] as? NSNumber)?.int64Value
        let to = open ? nil : (incident["resolved_at_us"] as? NSNumber)?.int64Value
        var scopes = [(incident["scope"] as? [String: Any]) ?? [:]]
        if let affected = incident["affected_scopes"] as? [[String: Any]], affected.count > 1 {
            scopes = affected.map { ($0["scope"] as? [String: Any]) ?? [:] }
        }
        return scopes.map { scope in
            let task = scope["task"] as? String ?? ""
            let slices = scope.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }.sorted()
            return IncidentSummary(id: id, component: component, scope: task.isEmpty ? "all" : "task=\(task)",
                                   slices: slices.isEmpty ? nil : slices, action: action, fromMicros: from, toMicros: to)
        }
    }

    static func summary(listed item: [String: Any], at key: String, path: String) throws -> IncidentSummary {
        do {
            let data = try JSONSerialization.data(withJSONObject: item)
            return try JSONDecoder().decode(IncidentSummary.self, from: data)
        } catch let error as DecodingError {
            let what: String
            switch error {
            case .keyNotFound(let missing, _): what = "\(missing.stringValue) is missing"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                what = "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
            @unknown default: what = "cannot be read"
            }
            throw DriftwatchError(.invalidArgument, "--incidents \(path): \(key): \(what); \(expected)")
        }
    }
}
