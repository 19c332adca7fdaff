import DriftwatchAlerts
@testable import DriftwatchRuntime
import Testing

/// In a fleet, incident alerts are the central's (`run --role central`) and a sidecar keeps the rest (docs/fleet.md).
@Suite("Alert rules by role")
struct AlertRuleSelectionTests {
    @Test("the central takes incident rules; a sidecar in a fleet the others; a standalone sidecar all")
    func selection() {
        let incident = AlertRule(name: "i", condition: .incident(matchers: []))
        let records = AlertRule(name: "r", condition: .noRecords(for: .seconds(60)))
        let drift = AlertRule(name: "d", condition: .drift(features: [], scopes: []))
        #expect(AlertRuleSelection.fleetWide.includes(incident) && !AlertRuleSelection.fleetWide.includes(records))
        #expect(!AlertRuleSelection.fleetWide.includes(drift))
        #expect(!AlertRuleSelection.nodeLocal.includes(incident) && AlertRuleSelection.nodeLocal.includes(records) && AlertRuleSelection.nodeLocal.includes(drift))
        #expect(AlertRuleSelection.all.includes(incident) && AlertRuleSelection.all.includes(records))
    }
}
