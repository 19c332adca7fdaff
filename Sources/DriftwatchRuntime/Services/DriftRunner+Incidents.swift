public import DriftwatchAnalysis
public import DriftwatchDrift
import DriftwatchStore

extension DriftRunner {
    /// The analyzer's incidents in the terms drift joins on, so `drift`, `demo --run` and the
    /// dashboards link the same incidents `analyze` lists and take their action. Withdrawn incidents
    /// (late records showed no regression) are left out.
    public func incidentSummaries(limit: Int = 1000) throws -> [IncidentSummary] {
        try store.incidents(limit: limit).compactMap { try? AnalysisPersistence.decode($0.document) }
            .filter { !AnalysisEngine.isWithdrawn($0) }
            .flatMap(Self.summaries)
    }

    /// One summary per scope the incident's cause hit (its own and its affected scopes), all under its id: drift on
    /// any of those tasks links the one incident.
    public static func summaries(_ incident: Incident) -> [IncidentSummary] {
        guard let affected = incident.affected, affected.count > 1 else { return [summary(incident)] }
        return affected.map { scope in
            var one = incident
            one.scope = scope.scope
            return summary(one)
        }
    }

    /// One incident as drift sees it: scope `task=<task>` (`all` without a task), its other
    /// predicates as slices, open incidents without an end.
    public static func summary(_ incident: Incident) -> IncidentSummary {
        let task = incident.task
        let slices = incident.scope.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }.sorted()
        return IncidentSummary(
            id: incident.id, component: incident.component, scope: task.isEmpty ? "all" : "task=\(task)",
            slices: slices.isEmpty ? nil : slices, action: incident.recommendation.action,
            fromMicros: incident.startedAtMicros, toMicros: incident.status == .open ? nil : incident.resolvedAtMicros)
    }
}
