import DriftwatchDrift
import DriftwatchStore
import Foundation
public import Logging

/// What `driftwatch demo --run` does after ingesting: the same passes `run` makes continuously —
/// analysis, drift, dashboards — once, to the end of the data, then the reports.
public enum DemoPipeline {
    public struct Output: Sendable {
        public var analysis: AnalysisReport
        public var driftText: String
        public var driftJSON: String
        public var dashboardsDirectory: String
        public var dashboardPages: Int
    }

    public static func run(configuration: DriftwatchConfiguration, dashboardsDirectory: String, logger: Logger) throws -> Output {
        let store = try SQLiteStore(path: configuration.databasePath, logger: logger)
        try StoreCatchUp.run(store: store, configuration: configuration, logger: logger)
        let runner = DriftRunner(store: store, settings: configuration.drift, logger: logger)
        let drift = try runner.catchUp().engine.report(incidents: try runner.incidentSummaries())
        let outcome = try DashboardRunner(store: store, configuration: configuration, logger: logger).render(to: dashboardsDirectory)
        return Output(
            analysis: try AnalysisReport.make(store: store),
            driftText: try drift.render(.text),
            driftJSON: try drift.render(.json),
            dashboardsDirectory: dashboardsDirectory,
            dashboardPages: outcome.pageCount
        )
    }
}
