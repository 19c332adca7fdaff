import ArgumentParser
import DriftwatchCore
import DriftwatchRuntime
import DriftwatchStore
import Foundation

/// Prints stored records as JSON Lines, as they were ingested: the examples behind an incident, a slice's requests,
/// or a training export turned into a dataset (`--ids-from exports/INCIDENT.jsonl`).
struct RecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Print stored records as JSON Lines (the stored lines), filtered by id, time, task, version, tool or slice.",
        discussion: """
            Filters are ANDed; records print oldest first. Examples:
              driftwatch records --id req-123 --id req-456
              driftwatch records --ids-from exports/INC-7.jsonl > dataset.jsonl
              driftwatch records --task order_status --slice language=de --from 2025-01-07T02:00:00Z --limit 20
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("id"), help: "A request_id to print (repeatable).")
    var ids: [String] = []

    @Option(help: "A file of request ids: JSON Lines with request_id (a training export) or one id per line.")
    var idsFrom: String?

    @Option(help: "Records at or after this time (RFC 3339).")
    var from: String?

    @Option(help: "Records before this time (RFC 3339).")
    var to: String?

    @Option(help: "Only this task.")
    var task: String?

    @Option(help: "Only this model name.")
    var model: String?

    @Option(help: "Only this model version.")
    var modelVersion: String?

    @Option(help: "Only this prompt template version.")
    var templateVersion: String?

    @Option(help: "Only this retrieval index version.")
    var indexVersion: String?

    @Option(help: "Only records that called this tool.")
    var tool: String?

    @Option(help: "Only this route.")
    var route: String?

    @Option(help: "Only this outcome (success, failure, abstained, escalated).")
    var outcome: String?

    @Option(name: .customLong("slice"), help: "A slice KEY=VALUE the record must carry (repeatable).")
    var slices: [String] = []

    @Option(help: "At most this many records (the oldest).")
    var limit: Int?

    func validate() throws {
        for slice in slices where !slice.contains("=") {
            throw ValidationError("--slice \"\(slice)\": expected KEY=VALUE, e.g. --slice language=de")
        }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, RFC3339.parse(value) == nil {
                throw ValidationError("\(name) \"\(value)\": expected an RFC 3339 time, e.g. 2025-01-07T02:00:00Z")
            }
        }
        if let outcome, !["success", "failure", "abstained", "escalated"].contains(outcome) {
            throw ValidationError("--outcome \"\(outcome)\": expected one of success, failure, abstained, escalated")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let config = try options.resolve()
        var query = RecordQuery(from: from.flatMap(RFC3339.parse), to: to.flatMap(RFC3339.parse), task: task, modelName: model,
                                modelVersion: modelVersion, templateVersion: templateVersion, indexVersion: indexVersion,
                                tool: tool, route: route, outcome: outcome, limit: limit)
        for slice in slices {
            let eq = slice.firstIndex(of: "=")!
            query.slices[String(slice[..<eq])] = String(slice[slice.index(after: eq)...])
        }
        var wanted = Set(ids)
        if let idsFrom { wanted.formUnion(try RecordLines.requestIDs(fromFile: idsFrom)) }
        if let idsFrom, wanted.isEmpty { throw ValidationError("--ids-from \(idsFrom) lists no request ids") }
        query.requestIDs = wanted
        let store = try SQLiteStore(path: config.databasePath, access: .readOnly, logger: options.makeLogger())
        let count = try RecordLines.write(store: store, query: query, terminalSafe: true) { print($0) }
        if !wanted.isEmpty, count < wanted.count {
            FileHandle.standardError.write(Data("driftwatch: \(wanted.count - count) of \(wanted.count) requested ids are not in the store (deleted by retention, or never ingested)\n".utf8))
        }
    }
}
