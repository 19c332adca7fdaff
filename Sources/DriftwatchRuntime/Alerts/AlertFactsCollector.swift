import DriftwatchAlerts
import DriftwatchCore
import DriftwatchDrift
import DriftwatchStore

/// Reads what the alert rules need from the store: open incidents, drifted features (from the drift
/// detector's stored state, without changing it) and the record windows of metric rules.
struct AlertFactsCollector: Sendable {
    let store: SQLiteStore
    let drift: DriftwatchConfiguration.DriftSettings

    func collect(rules: [AlertRule], nowMicros: Int64, watchingSinceMicros: Int64) throws -> AlertFacts {
        var facts = AlertFacts(nowMicros: nowMicros, watchingSinceMicros: watchingSinceMicros)
        let needsIncidents = rules.contains { if case .incident = $0.condition { return true } else { return false } }
        let needsDrift = rules.contains { if case .drift = $0.condition { return true } else { return false } }
        if needsIncidents {
            facts.incidents = try store.incidents(status: "open").map { AlertFacts.IncidentFact(document: $0.document) }
        }
        if needsDrift, let stored = try store.loadDriftState(),
           let engine = try? DriftEngine(configuration: drift.detector, restoring: stored.state) {
            facts.drifted = engine.report().drifted.map {
                AlertFacts.DriftFact(feature: $0.feature, scope: $0.scope, statistic: $0.statistic, value: $0.value, threshold: $0.threshold)
            }
        }
        var newest: Int64?
        for key in AlertFacts.windows(for: rules) {
            let stats = try store.recordWindowStats(from: nowMicros - key.window.microsecondsValue, to: nowMicros + 1, task: key.task)
            facts.windows[key] = stats
            newest = stats.newestIngestedAtMicros
        }
        if rules.contains(where: { if case .noRecords = $0.condition { return true } else { return false } }) {
            facts.newestIngestedAtMicros = try newest ?? store.recordWindowStats(from: nowMicros, to: nowMicros).newestIngestedAtMicros
        }
        return facts
    }
}

extension Duration {
    var microsecondsValue: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
