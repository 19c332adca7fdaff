import ArgumentParser
import DriftwatchFleet
import DriftwatchRuntime
import Foundation

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Backfill log files (plain or gzip) into the store, then exit."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Argument(help: "Log files to read to their end.")
    var paths: [String]

    @Option(help: "Read every path as this configured source (its fields: mapping or format:), instead of the source whose paths match it.")
    var source: String?

    @Flag(help: "Also analyse the records as they are committed, in this process (as `run` does).")
    var analyze = false

    func run() async throws {
        let config = try options.resolve()
        let report = try BackfillRunner.run(
            paths: paths, configuration: config, logger: options.makeLogger(),
            showProgress: output.format == .text && BackfillRunner.stderrIsTerminal, analyze: analyze, sourceName: source)
        print(try report.render(output.format))
        for notice in report.notices {
            FileHandle.standardError.write(Data("driftwatch ingest: warning: \(notice)\n".utf8))
        }
        // With a fleet store configured, ingest is done once its state is shipped (docs/fleet.md).
        if config.fleet.isEnabled {
            do {
                let shipped = try await FleetShipping.ship(configuration: config, logger: options.makeLogger())
                let what = shipped.upToDate ? "nothing new" : "\(shipped.rollups) rollup buckets, \(shipped.versions) versions, \(shipped.shapeBuckets) shape buckets"
                FileHandle.standardError.write(Data("driftwatch ingest: shipped to the fleet store as node \(config.fleet.node): \(what)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("driftwatch ingest: error: could not ship to the fleet store (the records are stored; the next ingest or run ships them): \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        // A service logging another schema must not look like a successful ingest.
        guard report.warnings.isEmpty else {
            for warning in report.warnings {
                FileHandle.standardError.write(Data("driftwatch ingest: warning: \(warning)\n".utf8))
            }
            throw ExitCode.failure
        }
    }
}
