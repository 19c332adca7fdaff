import ArgumentParser
import DriftwatchRuntime
import DriftwatchStore

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List lines that could not be stored, with file, offset and reason."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Option(help: "How many to show, newest first.")
    var limit: Int = 50

    func run() async throws {
        let config = try options.resolve()
        let store = try SQLiteStore(path: config.databasePath, access: .readOnly, logger: options.makeLogger())
        print(try DeadLetterReport.make(store: store, limit: limit).render(output.format))
    }
}
