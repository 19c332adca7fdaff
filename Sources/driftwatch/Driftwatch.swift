import ArgumentParser
import DriftwatchRuntime
import Foundation

/// The entry point: suggests the closest subcommand for a mistyped one, then hands over to the parser.
@main
enum Main {
    static func main() async {
        if let message = UnknownCommand.message(arguments: Array(CommandLine.arguments.dropFirst()), root: Driftwatch.self) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(ExitCode.validationFailure.rawValue)
        }
        await Driftwatch.main()
    }
}

struct Driftwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftwatch",
        abstract: "Watch LLM services' request logs: ingest exactly once, find regressions and drift, alert.",
        version: BuildInfo.versionLine,
        subcommands: [
            RunCommand.self,
            IngestCommand.self,
            StatusCommand.self,
            DeadLettersCommand.self,
            DriftCommand.self,
            DemoCommand.self,
            AnalyzeCommand.self,
            DashboardsCommand.self,
            AlertsCommand.self,
            RecordsCommand.self,
            ConfigCommand.self,
        ]
    )
}
