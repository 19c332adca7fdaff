import ArgumentParser
import DriftwatchRuntime
import DriftwatchStore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show watched files, offsets, lag, record and dead-letter counts."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Flag(help: "Every sidecar that shipped to the fleet store (fleet.url_env): counts, analysis progress, last shipment.")
    var fleet = false

    func run() async throws {
        let config = try options.resolve()
        if fleet {
            print(try await FleetStatusReport.make(configuration: config, logger: options.makeLogger()).render(output.format))
            return
        }
        let store = try SQLiteStore(path: config.databasePath, access: .readOnly, logger: options.makeLogger())
        print(try StatusReport.make(store: store, sources: config.sources, fleetNode: config.fleet.isEnabled ? config.fleet.node : nil).render(output.format))
    }
}
