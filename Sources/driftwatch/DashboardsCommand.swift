import ArgumentParser
import DriftwatchRuntime
import DriftwatchStore

struct DashboardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboards",
        abstract: "Render the static HTML dashboards (defined in Dashboards/*.yaml) from stored aggregates."
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "Directory to write the pages to (default: dashboards.out from the configuration).")
    var out: String?

    @Option(name: .long, help: "Directory of dashboard definitions (*.yaml); default: the shipped ones.")
    var definitions: String?

    @Flag(help: "Only read stored aggregates; do not analyse records stored since the last analysis first.")
    var noUpdate = false

    @Flag(help: "Render the whole fleet's dashboards: every sidecar's state merged from the fleet store (fleet.url_env), not this store.")
    var fleet = false

    func run() async throws {
        var config = try options.resolve()
        if let definitions { config.dashboards.definitionsDirectory = definitions }
        guard let directory = out ?? config.dashboards.outputDirectory else {
            throw ValidationError("say where to write the pages: --out DIR (or dashboards.out in the configuration)")
        }
        let logger = options.makeLogger()
        if fleet {
            let outcome = try await FleetDashboards.render(configuration: config, to: directory, logger: logger)
            let d = outcome.dashboards
            print("wrote \(d.pageCount) pages to \(directory) (\(d.bytes) bytes, largest \(d.largestPageBytes)) from the fleet store: \(outcome.nodes) nodes, \(outcome.buckets) merged buckets, \(d.rollupRows) rollup rows")
            return
        }
        let (store, update) = try ReportStore.open(config.databasePath, catchUp: !noUpdate, logger: logger)
        if update { try StoreCatchUp.run(store: store, configuration: config, logger: logger, drift: true, showProgress: true) }
        let outcome = try DashboardRunner(store: store, configuration: config, logger: logger).render(to: directory)
        let largest = outcome.largestPageBytes
        print("wrote \(outcome.pageCount) pages to \(directory) (\(outcome.bytes) bytes, largest \(largest)) from \(outcome.rollupRows) rollup rows: "
              + "snapshot \(ms(outcome.snapshotSeconds)), render \(ms(outcome.renderSeconds))")
    }

    private func ms(_ s: Double) -> String { "\(Int((s * 1000).rounded())) ms" }
}
