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
        do {
            var command = try Driftwatch.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // Error messages can carry log-derived text (a path, a line's value): shown terminal-safe, line by line.
            let code = Driftwatch.exitCode(for: error)
            if code == .success { Driftwatch.exit(withError: error) }
            let message = Driftwatch.fullMessage(for: error)
            if !message.isEmpty {
                let safe = message.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.safe(String($0)) }
                FileHandle.standardError.write(Data((safe.joined(separator: "\n") + "\n").utf8))
            }
            exit(code.rawValue)
        }
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
