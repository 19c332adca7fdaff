import DriftwatchCore

/// One cause, one incident: a reindex that hurts three tasks, a checkpoint that fails one slice on every task it
/// serves, a traffic shift across the whole service. Each scope is still found and tested on its own (its own
/// numbers, its own recovery test), but a finding whose cause matches an open incident's becomes a *member* of that
/// incident: it is listed in the incident's ``Incident/affected`` scopes, its events become updates of the incident,
/// and the incident resolves only when every member has. So an on-call engineer gets one page per cause, and the
/// incident states the total impact.
extension AnalysisEngine {
    /// What identifies a cause across scopes: the component and the version, tool or slice it names. Nil when the
    /// incident names none (it then stands alone).
    static func causeKey(_ incident: Incident) -> String? {
        let details = incident.recommendation.details
        func named(_ value: String?) -> String? {
            guard let value, !value.isEmpty, value != "unknown" else { return nil }
            return value
        }
        switch incident.component {
        case "retrieval":
            return named(details["index_version"] ?? incident.scope[Dimension.index]).map { "retrieval|\($0)" }
        case "tools":
            // The window path names the tool, the lattice its version (`name@version`): one tool either way.
            return named(details["tool"]).map { "tools|" + Dimension.toolName($0) }
        case "wrapper":
            return named(details["template"]).map { "wrapper|\($0)" }
        case "model":
            guard let model = named(details["model"]) else { return nil }
            return "model|\(model)@\(details["model_version"] ?? "")|\(details["slice"] ?? "")|\(incident.recommendation.action)"
        case "traffic":
            return named(details["slice"] ?? details["slice_key"]).map { "traffic|\($0)" }
        default:
            return nil
        }
    }

    /// Whether an incident still has members that have not resolved: it stays open until they have.
    func hasOpenMembers(_ id: String) -> Bool {
        incidents.values.contains { $0.parentID == id && $0.status == .open }
    }

    /// Run after each evaluation on the events it raised (from `start`): findings opened in it join an open
    /// incident of the same cause, members' events become one update of their incident, and every group's affected
    /// scopes and total impact are refreshed.
    mutating func foldGroups(eventsFrom start: Int, at t: Int64) {
        guard start < events.count || incidents.values.contains(where: { $0.parentID != nil }) else { return }
        for i in start..<events.count where events[i].kind == .opened {
            let id = events[i].incident.id
            guard let incident = incidents[id], incident.parentID == nil, let key = Self.causeKey(incident) else { continue }
            let leader = incidents.values.filter {
                $0.id != id && $0.status == .open && $0.parentID == nil && $0.detectedAtMicros <= incident.detectedAtMicros
                    && Self.causeKey($0) == key
            }.min { ($0.detectedAtMicros, $0.id) < ($1.detectedAtMicros, $1.id) }
            guard let leader, !incidents.values.contains(where: { $0.parentID == id }) else { continue }
            incidents[id]!.parentID = leader.id
            changedIncidents.insert(id)
        }
        var touched: Set<String> = []
        var kept: [IncidentEvent] = []
        for event in events[start...] {
            guard let parent = incidents[event.incident.id]?.parentID ?? event.incident.parentID else {
                kept.append(event)
                continue
            }
            touched.insert(parent)
        }
        events.replaceSubrange(start..., with: kept)
        let members = Dictionary(grouping: incidents.values.filter { $0.parentID != nil }, by: { $0.parentID! })
        for (parentID, group) in members.sorted(by: { $0.key < $1.key }) {
            guard var parent = incidents[parentID] else { continue }
            let ordered = group.sorted { ($0.detectedAtMicros, $0.id) < ($1.detectedAtMicros, $1.id) }
            let affected = [parent] + ordered
            let scopes = affected.map(Self.affectedScope)
            let total = affected.reduce(0) { $0 + $1.severity }
            let changed = parent.affected != scopes || parent.totalSeverity != total
            parent.affected = scopes
            parent.totalSeverity = total
            if parent.status == .resolved && ordered.contains(where: { $0.status == .open }) {
                // A member came back after its incident resolved: the cause is back.
                parent.status = .open
                parent.resolvedAt = nil
                parent.resolvedAtMicros = nil
                recovering[parentID] = nil
            }
            if touched.contains(parentID) {
                parent.updatedAt = RFC3339.format(micros: t)
                parent.updatedAtMicros = t
            }
            incidents[parentID] = parent
            if changed || touched.contains(parentID) { changedIncidents.insert(parentID) }
            var hasEvent = false
            for i in start..<events.count where events[i].incident.id == parentID {
                events[i].incident = parent
                hasEvent = true
            }
            if touched.contains(parentID) && !hasEvent {
                events.append(IncidentEvent(kind: .updated, atMicros: t, incident: parent))
            }
        }
    }

    static func affectedScope(_ incident: Incident) -> Incident.AffectedScope {
        Incident.AffectedScope(
            incidentID: incident.id, task: incident.task, scope: incident.scope, conjunction: incident.conjunction,
            metric: incident.metric, baseline: incident.baseline, current: incident.current, pValue: incident.pValue,
            adjustedPValue: incident.adjustedPValue, detectedAt: incident.detectedAt,
            detectedAtMicros: incident.detectedAtMicros, status: incident.status, severity: incident.severity)
    }
}
