public import ArgumentParser
import DriftwatchRuntime
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: ./driftwatch.yaml if present).")
    var config: String?

    @Option(name: .long, help: "SQLite database path, overriding the configuration (default: ./driftwatch.sqlite).")
    var db: String?

    @Option(name: .long, help: "Log level.")
    var logLevel: LogLevelOption = .info

    func resolve() throws -> DriftwatchConfiguration {
        try ConfigurationResolver.resolve(configPath: config, databasePath: db)
    }

    func makeLogger(_ label: String = "driftwatch") -> Logger {
        LoggingBootstrapper.bootstrapOnce()
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: logLevel.rawValue) ?? .info
        return logger
    }
}

extension OutputFormat: ExpressibleByArgument {}

struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text
}
