import ArgumentParser
import DriftwatchDrift
import DriftwatchRuntime
import DriftwatchStore
import Foundation

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Show input, retrieval, tool and output drift per feature and scope, with recommendations."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Flag(name: .long, inversion: .prefixedNo, help: "Count records stored since the last commit first (and commit them).")
    var catchUp = true

    @Flag(name: .long, help: "In text output, list every tested feature and scope, not only drifted ones.")
    var all = false

    @Option(name: .long, help: "JSON file with analyzer incidents to join instead of the store's: the output of `analyze --format json`, or [{\"component\":…,\"scope\":…,\"action\":…,\"from_micros\":…}].")
    var incidents: String?

    @Option(name: .long, help: "Directory to write each retraining recommendation's example set to, as JSON Lines.")
    var exportExamples: String?

    @Option(name: .long, help: "Compare two JSON Lines files instead of the store: this one is the baseline...")
    var reference: String?

    @Option(name: .long, help: "...and this one (later in time) the current window.")
    var current: String?

    func run() async throws {
        let config = try options.resolve()
        let logger = options.makeLogger()
        var runner: DriftRunner?
        let engine: DriftEngine
        if let reference, let current {
            engine = try DriftFileComparison(configuration: config.drift.detector).run(reference: reference, current: current).engine
        } else if reference != nil || current != nil {
            throw ValidationError("--reference and --current go together")
        } else {
            let (store, update) = try ReportStore.open(config.databasePath, catchUp: catchUp, logger: logger)
            let storeRunner = DriftRunner(store: store, settings: config.drift, logger: logger)
            engine = update ? try storeRunner.catchUpShowingProgress().engine : try storeRunner.restore().0
            runner = storeRunner
        }
        var joined: [IncidentSummary] = []
        if let incidents {
            joined = try IncidentsFile.read(path: incidents)
        } else if let runner {
            // The analyzer's incidents, so drift links them and names the same action as `analyze`.
            joined = try runner.incidentSummaries()
        }
        let report = engine.report(incidents: joined)
        if let exportExamples, let runner {
            try FileManager.default.createDirectory(atPath: exportExamples, withIntermediateDirectories: true)
            for rec in report.recommendations {
                guard let examples = rec.examples else { continue }
                let path = "\(exportExamples)/\(examples.modelName)-\(examples.sliceKey)-\(examples.sliceValue).jsonl"
                try Data(try runner.exportExamples(examples)).write(to: URL(fileURLWithPath: path))
            }
        }
        print(try report.render(output.format, showAll: all))
    }
}
