import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchStore
import Foundation

/// The curation file of a `targeted_retraining` incident: one JSON object per line with a request ID of the
/// regressed slice, whether it failed or passed, its task and slice, and the full stored record (`record`, the
/// line as ingested), from the incident's start on — ready to become a fine-tuning or eval dataset without going
/// back to the store (`driftwatch records --ids-from FILE` prints the same records as bare lines).
enum TrainingExport {
    /// Writes `<directory>/<incident id>.jsonl` and returns the details to add to the recommendation. An incident
    /// whose cause hit several tasks (the same checkpoint failing the same slice everywhere) exports the slice of
    /// every one of them.
    static func write(incident: Incident, store: SQLiteStore, directory: String) throws -> [String: String] {
        let details = incident.recommendation.details
        var tasks: [String] = []
        for task in (incident.affected?.map(\.task) ?? []) + [incident.task] where !tasks.contains(task) { tasks.append(task) }
        var out = ""
        var failing = 0, total = 0
        let sliceJSON = RecordFieldPaths.jsonString(details["slice"] ?? "")
        for task in tasks {
            var query = RecordQuery(from: incident.startedAtMicros, task: task)
            if let model = details["model"], !model.isEmpty { query.modelName = model }
            if let version = details["model_version"], !version.isEmpty { query.modelVersion = version }
            if let slice = details["slice"], let eq = slice.firstIndex(of: "=") {
                query.slices[String(slice[..<eq])] = String(slice[slice.index(after: eq)...])
            }
            for record in try store.storedRecords(query) {
                total += 1
                let label = record.outcome == "success" ? "passing" : "failing"
                if label == "failing" { failing += 1 }
                out += "{\"request_id\":\(RecordFieldPaths.jsonString(record.requestID)),\"label\":\"\(label)\",\"task\":\(RecordFieldPaths.jsonString(task)),\"slice\":\(sliceJSON),\"record\":"
                out += RecordLines.jsonObject(record.line) ?? "null"
                out += "}\n"
            }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("\(incident.id).jsonl")
        try out.write(toFile: path, atomically: true, encoding: .utf8)
        return ["export_path": path, "export_failing": "\(failing)", "export_passing": "\(total - failing)",
                "export_tasks": tasks.joined(separator: ",")]
    }
}
