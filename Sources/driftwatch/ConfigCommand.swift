import ArgumentParser
import DriftwatchRuntime
import Foundation

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration, or print it with every default filled in.",
        subcommands: [Check.self, Defaults.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration, alert rules and dashboard definitions, and print what `run` would do (exit 1 on an error).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let config = try options.resolve()
            let report = ConfigCheckReport.make(configuration: config, configFile: ConfigurationResolver.file(configPath: options.config))
            print(try report.render(output.format))
            if !report.ok { throw ExitCode.failure }
        }
    }

    struct Defaults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration as YAML: the file's settings (if any) with every other key at its default.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            print(ConfigurationRenderer.render(try options.resolve()), terminator: "")
        }
    }
}
