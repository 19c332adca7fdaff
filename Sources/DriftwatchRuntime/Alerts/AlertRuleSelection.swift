import DriftwatchAlerts

/// Which alert rules a process evaluates. In a fleet, incidents are the fleet's (the central role alerts on them,
/// once); what a sidecar alone knows — its own records (no records, metric thresholds) and its drift state — stays
/// with the sidecar (docs/fleet.md).
public enum AlertRuleSelection: Sendable {
    case all
    /// `run --role central`: incident rules.
    case fleetWide
    /// A sidecar in a fleet without `fleet.local_alerts`: every rule but incident rules.
    case nodeLocal

    func includes(_ rule: AlertRule) -> Bool {
        let isIncident: Bool
        if case .incident = rule.condition { isIncident = true } else { isIncident = false }
        switch self {
        case .all: return true
        case .fleetWide: return isIncident
        case .nodeLocal: return !isIncident
        }
    }
}
