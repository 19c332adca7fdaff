import ArgumentParser
import DriftwatchRuntime

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the sidecar: tail the configured logs until SIGTERM or SIGINT."
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "A glob of log files to tail, in addition to the configured sources (repeatable).")
    var path: [String] = []

    @Option(name: .long, help: "Listen for OTLP/HTTP traces and serve /metrics and /healthz on host:port (e.g. 127.0.0.1:4318).")
    var otlpListen: String?

    @Option(help: "sidecar (tail logs, analyse, ship) or central (a fleet's analysis and incident alerts over the fleet store; one leads, others stand by).")
    var role: String = "sidecar"

    func run() async throws {
        var config = try options.resolve()
        if !path.isEmpty { config.sources.append(.init(name: "command-line", paths: path)) }
        if let otlpListen { config.server.listen = otlpListen }
        let logger = options.makeLogger()
        guard let chosen = DriftwatchApplication.Role(rawValue: role) else {
            throw ValidationError("--role: expected sidecar or central, got \"\(role)\"")
        }
        let application = try DriftwatchApplication(configuration: config, logger: logger, role: chosen)
        try await application.run()
    }
}
