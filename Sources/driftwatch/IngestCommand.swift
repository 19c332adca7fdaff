import ArgumentParser
import DriftwatchRuntime

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Backfill log files (plain or gzip) into the store, then exit."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Argument(help: "Log files to read to their end.")
    var paths: [String]

    @Flag(help: "Also analyse the records as they are committed, in this process (as `run` does).")
    var analyze = false

    func run() async throws {
        let config = try options.resolve()
        let report = try BackfillRunner.run(
            paths: paths, configuration: config, logger: options.makeLogger(),
            showProgress: output.format == .text && BackfillRunner.stderrIsTerminal, analyze: analyze)
        print(try report.render(output.format))
    }
}
