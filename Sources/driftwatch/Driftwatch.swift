import ArgumentParser
import DriftwatchRuntime

@main
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
