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

    func run() async throws {
        let config = try options.resolve()
        let store = try SQLiteStore(path: config.databasePath, access: .readOnly, logger: options.makeLogger())
        print(try StatusReport.make(store: store, sources: config.sources).render(output.format))
    }
}
