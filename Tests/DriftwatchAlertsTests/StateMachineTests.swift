@testable import DriftwatchAlerts
import DriftwatchStore
import DriftwatchTesting
import Testing

/// `for` / `keep_firing_for` and Alertmanager grouping, driven by a manual clock.
@Suite struct StateMachineTests {
    typealias Machine = AlertStateMachine<ManualClock>
    typealias Dispatcher = NotificationDispatcher<ManualClock>

    static func condition(_ rule: String, _ labels: LabelSet = [:]) -> ActiveCondition {
        var all = labels
        all["alertname"] = rule
        return ActiveCondition(rule: rule, labels: all, annotations: [:], value: nil, incidentDocument: nil)
    }

    @Test func forHoldsFlappingDownAndKeepFiringForBridgesGaps() {
        let clock = ManualClock()
        let rule = AlertRule(name: "Flappy", condition: .noRecords(for: .seconds(1)), forDuration: .seconds(60), keepFiringFor: .seconds(120))
        var machine = Machine()
        // Flapping every 30 s never reaches `for`.
        for step in 0..<10 {
            let out = machine.evaluate(step % 2 == 0 ? [Self.condition("Flappy")] : [], rules: [rule], at: clock.now)
            #expect(out.isEmpty)
            clock.advance(by: .seconds(30))
        }
        // Holding for 60 s fires.
        #expect(machine.evaluate([Self.condition("Flappy")], rules: [rule], at: clock.now).isEmpty)
        clock.advance(by: .seconds(30))
        #expect(machine.evaluate([Self.condition("Flappy")], rules: [rule], at: clock.now).isEmpty)
        clock.advance(by: .seconds(30))
        let fired = machine.evaluate([Self.condition("Flappy")], rules: [rule], at: clock.now)
        #expect(fired.count == 1 && fired[0].isResolved == false)
        // Gaps shorter than keep_firing_for keep it firing.
        for _ in 0..<3 {
            clock.advance(by: .seconds(50))
            #expect(machine.evaluate([], rules: [rule], at: clock.now).map(\.isResolved) == [false])
            clock.advance(by: .seconds(50))
            #expect(machine.evaluate([Self.condition("Flappy")], rules: [rule], at: clock.now).map(\.isResolved) == [false])
        }
        clock.advance(by: .seconds(60))
        #expect(machine.evaluate([], rules: [rule], at: clock.now).map(\.isResolved) == [false])
        clock.advance(by: .seconds(60))
        let resolved = machine.evaluate([], rules: [rule], at: clock.now)
        #expect(resolved.map(\.isResolved) == [true])
        #expect(machine.tracked.isEmpty)
        #expect(machine.evaluate([], rules: [rule], at: clock.now).isEmpty, "resolved is handed over once")
    }

    static func alert(_ clock: ManualClock, _ labels: LabelSet, resolved: Bool = false) -> Alert<ManualClock.Instant> {
        Alert(labels: labels, annotations: [:], startsAt: clock.now, endsAt: resolved ? clock.now : nil)
    }

    static let route = Route(receiver: "ops", groupBy: ["alertname"], groupWait: .seconds(30), groupInterval: .seconds(300),
                             repeatInterval: .seconds(4 * 3600))

    @Test func groupsWaitThenBatchAndOnlyRenotifyOnChangeOrRepeat() {
        let clock = ManualClock()
        var dispatcher = Dispatcher(route: Self.route)
        dispatcher.insert([Self.alert(clock, ["alertname": "A", "task": "t1"])], at: clock.now)
        clock.advance(by: .seconds(10))
        dispatcher.insert([Self.alert(clock, ["alertname": "A", "task": "t2"]), Self.alert(clock, ["alertname": "B"])], at: clock.now)
        #expect(dispatcher.flush(at: clock.now).isEmpty, "group_wait not over")
        clock.advance(by: .seconds(20))
        let first = dispatcher.flush(at: clock.now)
        #expect(first.count == 1, "only group A is 30 s old")
        #expect(first.first?.firing.count == 2)
        #expect(first.first?.groupLabels == ["alertname": "A"])
        clock.advance(by: .seconds(10))
        #expect(dispatcher.flush(at: clock.now).map(\.groupLabels) == [["alertname": "B"]])
        // Nothing new: flushes at group_interval send nothing until repeat_interval.
        var sent = 0
        for _ in 0..<(4 * 12 - 1) {
            clock.advance(by: .seconds(300))
            dispatcher.insert([Self.alert(clock, ["alertname": "A", "task": "t1"]), Self.alert(clock, ["alertname": "A", "task": "t2"])], at: clock.now)
            sent += dispatcher.flush(at: clock.now).filter { $0.groupLabels["alertname"] == "A" }.count
        }
        #expect(sent == 0)
        clock.advance(by: .seconds(300))
        #expect(dispatcher.flush(at: clock.now).filter { $0.groupLabels["alertname"] == "A" }.count == 1, "repeat after 4 h")
        // A new alert joining the group notifies at the next group_interval, not before.
        dispatcher.insert([Self.alert(clock, ["alertname": "A", "task": "t3"])], at: clock.now)
        clock.advance(by: .seconds(100))
        #expect(dispatcher.flush(at: clock.now).isEmpty)
        clock.advance(by: .seconds(200))
        let update = dispatcher.flush(at: clock.now).filter { $0.groupLabels["alertname"] == "A" }
        #expect(update.first?.firing.count == 3)
    }

    @Test func resolvedNotificationsAreSentByDefaultAndCanBeTurnedOff() {
        for sendResolved in [true, false] {
            let clock = ManualClock()
            var dispatcher = Dispatcher(route: Route(receiver: "ops", groupBy: ["alertname"], groupWait: .zero),
                                        resolvedDisabled: sendResolved ? [] : ["ops"])
            let labels: LabelSet = ["alertname": "A", "task": "t1"]
            dispatcher.insert([Self.alert(clock, labels)], at: clock.now)
            #expect(dispatcher.flush(at: clock.now).count == 1)
            clock.advance(by: .seconds(60))
            dispatcher.insert([Self.alert(clock, labels, resolved: true)], at: clock.now)
            clock.advance(by: .seconds(240))
            let resolved = dispatcher.flush(at: clock.now)
            if sendResolved {
                #expect(resolved.count == 1)
                #expect(resolved.first?.status == "resolved")
                #expect(resolved.first?.resolved.count == 1)
            } else {
                #expect(resolved.isEmpty)
            }
            #expect(dispatcher.groups.isEmpty)
            #expect(dispatcher.log.isEmpty, "the log forgets a fully resolved group")
        }
    }

    @Test func alertThatFiresAndResolvesWithinGroupWaitIsNeverSent() {
        let clock = ManualClock()
        var dispatcher = Dispatcher(route: Self.route)
        dispatcher.insert([Self.alert(clock, ["alertname": "A"])], at: clock.now)
        clock.advance(by: .seconds(10))
        dispatcher.insert([Self.alert(clock, ["alertname": "A"], resolved: true)], at: clock.now)
        clock.advance(by: .seconds(20))
        #expect(dispatcher.flush(at: clock.now).isEmpty)
    }

    @Test func silencesMuteMatchingAlertsUntilTheyExpire() throws {
        let clock = ManualClock()
        let anchor = InstantAnchor<ManualClock>(instant: clock.now, wallMicros: 1_000_000_000_000)
        let silence = Silence(matchers: [try LabelMatcher(parsing: "task=~\"t1|t2\"")], startsAtMicros: anchor.wallMicros,
                              endsAtMicros: anchor.wallMicros + 600_000_000)
        var pipeline = AlertPipeline<ManualClock>(rules: [], configuration: {
            var configuration = AlertsConfiguration()
            configuration.route = Route(receiver: "ops", groupBy: ["task"], groupWait: .zero, groupInterval: .seconds(60))
            configuration.receivers = [ReceiverConfiguration(name: "ops", webhook: WebhookReceiver(url: "http://127.0.0.1:1/"))]
            return configuration
        }())
        var dispatcher = pipeline.dispatcher
        dispatcher.insert([Self.alert(clock, ["alertname": "A", "task": "t1"]), Self.alert(clock, ["alertname": "A", "task": "t3"])], at: clock.now)
        let muted: (LabelSet) -> Bool = { labels in silence.mutes(labels, atMicros: anchor.micros(clock.now)) }
        #expect(dispatcher.flush(at: clock.now, isMuted: muted).map { $0.groupLabels["task"] } == ["t3"])
        clock.advance(by: .seconds(660))
        dispatcher.insert([Self.alert(clock, ["alertname": "A", "task": "t1"]), Self.alert(clock, ["alertname": "A", "task": "t3"])], at: clock.now)
        #expect(dispatcher.flush(at: clock.now, isMuted: muted).map { $0.groupLabels["task"] } == ["t1"], "silence expired")
        _ = pipeline.flush(at: clock.now, silences: [silence], anchor: anchor)
    }

    @Test func routingPicksReceiversByLabelsWithContinue() throws {
        let route = Route(receiver: "default", groupBy: ["alertname"], routes: [
            Route(receiver: "pager", matchers: [try LabelMatcher(parsing: "severity=page")], continueMatching: true),
            Route(receiver: "search", matchers: [try LabelMatcher(parsing: "team=search")], groupBy: ["task"]),
        ])
        #expect(route.matches(["severity": "page", "team": "search"]).map(\.receiver) == ["pager", "search"])
        #expect(route.matches(["severity": "page", "team": "search"]).last?.groupBy == ["task"])
        #expect(route.matches(["severity": "info"]).map(\.receiver) == ["default"])
        #expect(route.matches(["severity": "info"]).first?.groupWait == .seconds(30), "Alertmanager defaults")
        #expect(route.matches(["severity": "info"]).first?.repeatInterval == .seconds(14400))
    }

    @Test func stateSurvivesARestartWithoutRepagingOrForgetting() {
        let clock = ManualClock()
        let anchor = InstantAnchor<ManualClock>(instant: clock.now, wallMicros: 5_000_000_000_000)
        var configuration = AlertsConfiguration()
        configuration.route = Route(receiver: "ops", groupBy: ["alertname"], groupWait: .zero, groupInterval: .seconds(60))
        configuration.receivers = [ReceiverConfiguration(name: "ops", webhook: WebhookReceiver(url: "http://127.0.0.1:1/"))]
        let rule = AlertRule(name: "Inc", condition: .incident(matchers: []))
        var pipeline = AlertPipeline<ManualClock>(rules: [rule], configuration: configuration)
        var facts = AlertFacts(nowMicros: 0, watchingSinceMicros: 0)
        facts.incidents = [AlertFacts.IncidentFact(document: #"{"id":"i1","component":"tools","scope":{"task":"t"}}"#)]
        pipeline.evaluate(facts, at: clock.now)
        #expect(pipeline.flush(at: clock.now, silences: [], anchor: anchor).count == 1)
        let saved = pipeline.snapshot(anchor)

        // "Restart": a new clock whose instants start over, anchored to a later wall time.
        let clock2 = ManualClock()
        clock2.advance(by: .seconds(7))
        let anchor2 = InstantAnchor<ManualClock>(instant: clock2.now, wallMicros: anchor.wallMicros + 120_000_000)
        var restored = AlertPipeline<ManualClock>(rules: [rule], configuration: configuration)
        restored.restore(saved, anchor2)
        restored.evaluate(facts, at: clock2.now)
        #expect(restored.flush(at: clock2.now, silences: [], anchor: anchor2).isEmpty, "no re-page after restart")
        facts.incidents = []
        restored.evaluate(facts, at: clock2.now)
        clock2.advance(by: .seconds(60))
        let resolved = restored.flush(at: clock2.now, silences: [], anchor: anchor2)
        #expect(resolved.count == 1, "resolved while remembered")
        #expect(resolved.first?.payload.contains("\"status\":\"resolved\"") == true)
    }
}
