import ArgumentParser
import DriftwatchRuntime
import DriftwatchStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a synthetic workload with injected incidents; with --run, ingest it and report.",
        discussion: """
            Presets: baseline, noise, mixed (default), retrieval, tool-outage, template-canary, checkpoint-regression,
            traffic-shift, drift-language, drift-reindex, drift-stale, drift-tool-calls.
            Inject specs: KIND@START[:k=v,...], e.g. retrieval_index_change@2h, tool_outage@90m:tool=refund_api,rate=0.6,
            checkpoint_regression@3h:slice=language=de, traffic_shift@2h:slice=language=de,share=0.5,
            template_canary@1h:share=0.3 (each also takes for=DURATION and ramp=DURATION).
            """
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: FormatOption

    @Option(help: "Directory for the generated JSON Lines files.")
    var out: String = "./demo-logs"

    @Option(help: "Workload preset.")
    var preset: String = "mixed"

    @Option(name: .long, help: "An extra change to inject (repeatable).")
    var inject: [String] = []

    @Option(help: "Random seed; the same seed gives the same workload.")
    var seed: UInt64 = 1

    @Option(help: "Requests per minute.")
    var rate: Double = 200

    @Option(help: "Generate this many records instead of the preset's duration.")
    var records: Int?

    @Option(help: "Split the output into this many files.")
    var files: Int = 1

    @Option(help: "With --run: where to write the dashboards.")
    var dashboards: String = "./dashboards"

    @Flag(name: .customLong("run"), help: "Ingest the generated files, then analyse, detect drift, render dashboards and print the reports.")
    var ingestAfterwards = false

    func run() async throws {
        var runner = DemoRunner()
        runner.outputDirectory = out
        runner.preset = preset
        runner.inject = inject
        runner.seed = seed
        runner.requestsPerMinute = rate
        runner.records = records
        runner.fileCount = files
        guard ingestAfterwards else {
            print(try runner.generate().render(output.format))
            return
        }
        let config = try options.resolve()
        let logger = options.makeLogger()
        let (result, report) = try runner.generateAndIngest(
            configuration: config, logger: logger,
            showProgress: output.format == .text && BackfillRunner.stderrIsTerminal)
        let store = try SQLiteStore(path: config.databasePath, logger: logger)
        let status = try StatusReport.make(store: store)
        print(try DemoRunner.renderRun(demo: result, ingest: report, status: status, format: output.format))
        // Then what `run` does continuously: analysis, drift and dashboards, once.
        let pipeline = try DemoPipeline.run(configuration: config, dashboardsDirectory: dashboards, logger: logger)
        // One JSON document per invocation: with --format json, read incidents and drift with
        // `driftwatch analyze --format json` and `driftwatch drift --format json`.
        if output.format == .text {
            print("\n" + (try pipeline.analysis.render(.text)))
            print("\n" + pipeline.driftText)
            print("\n\(pipeline.dashboardPages) dashboard pages in \(pipeline.dashboardsDirectory)/ (open index.html)")
        }
    }
}
