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

    @Flag(help: "Check the database file for damage first (SQLite's quick_check reads every page); exit status 1 when damaged.")
    var check = false

    func run() async throws {
        let config = try options.resolve()
        if fleet {
            print(try await FleetStatusReport.make(configuration: config, logger: options.makeLogger()).render(output.format))
            return
        }
        let store = try SQLiteStore(path: config.databasePath, access: .readOnly, logger: options.makeLogger())
        var integrity: StatusReport.Integrity?
        if check {
            let result = try store.quickCheck()
            guard result.ok else {
                print(try IntegrityReport(database: store.path, check: result).render(output.format))
                throw ExitCode(1)
            }
            integrity = StatusReport.Integrity(result)
        }
        var report = try StatusReport.make(store: store, sources: config.sources, fleetNode: config.fleet.isEnabled ? config.fleet.node : nil)
        report.integrity = integrity
        print(try report.render(output.format))
    }
}
