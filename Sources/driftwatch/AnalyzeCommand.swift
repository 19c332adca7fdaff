import ArgumentParser
import DriftwatchFleet
import DriftwatchRuntime
import DriftwatchStore
import Foundation

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show regressions with the component to blame and the recommended action."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Option(help: "Only incidents with this status.")
    var status: IncidentStatusOption?

    @Option(help: "How many incidents to show.")
    var limit: Int = 50

    @Option(help: "Print one incident in full: every evidence line and recommendation detail.")
    var id: String?

    @Flag(help: "Only read stored incidents; do not analyse records stored since the last analysis first.")
    var noUpdate = false

    @Flag(help: "Analyse the whole fleet: every sidecar's state merged from the fleet store (fleet.url_env), not this store.")
    var fleet = false

    func run() async throws {
        let config = try options.resolve()
        let logger = options.makeLogger()
        if fleet {
            let outcome = try await FleetAnalysis.report(configuration: config, logger: logger, status: status?.rawValue, limit: limit, id: id)
            let names = outcome.nodes.map(\.node).joined(separator: ", ")
            FileHandle.standardError.write(Data("driftwatch analyze: fleet of \(outcome.nodes.count) nodes (\(names)), \(outcome.buckets) merged buckets\n".utf8))
            print(try outcome.report.render(output.format))
            return
        }
        let (store, update) = try ReportStore.open(config.databasePath, catchUp: !noUpdate, logger: logger)
        if update { try StoreCatchUp.run(store: store, configuration: config, logger: logger, showProgress: true) }
        print(try AnalysisReport.make(store: store, status: status?.rawValue, limit: limit, id: id).render(output.format))
    }
}
