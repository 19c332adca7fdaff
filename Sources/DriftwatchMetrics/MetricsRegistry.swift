import Synchronization

/// Counters and gauges with labels, rendered in the Prometheus text exposition format (0.0.4).
///
/// One lock over all families: updates come per batch, not per line, so contention is low and
/// a scrape sees a consistent snapshot. Collectors run before each render so values that live
/// elsewhere (queue depths, store counts) are read at scrape time instead of being pushed.
public final class MetricsRegistry: Sendable {
    public enum Kind: String, Sendable {
        case counter
        case gauge
    }

    struct Family: Sendable {
        var name: String
        var help: String
        var kind: Kind
        var labelNames: [String]
        var values: [[String]: Double]
    }

    struct State: Sendable {
        var families: [Family] = []
        var index: [String: Int] = [:]
        var collectors: [@Sendable () -> Void] = []
    }

    let state = Mutex(State())

    public init() {}

    /// Registers (or returns the already registered) counter family.
    public func counter(_ name: String, help: String, labels: [String] = []) -> MetricsCounter {
        MetricsCounter(registry: self, family: register(name, help: help, kind: .counter, labels: labels), name: name)
    }

    /// Registers (or returns the already registered) gauge family.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> MetricsGauge {
        MetricsGauge(registry: self, family: register(name, help: help, kind: .gauge, labels: labels), name: name)
    }

    /// Runs `body` before every render, e.g. to copy a queue depth into a gauge.
    public func addCollector(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.collectors.append(body) }
    }

    /// Current value of one sample; nil when it was never set.
    public func value(_ name: String, labels: [String] = []) -> Double? {
        state.withLock { s in s.index[name].flatMap { s.families[$0].values[labels] } }
    }

    /// The whole registry in the text exposition format.
    public func render() -> String {
        let collectors = state.withLock { $0.collectors }
        for c in collectors { c() }
        let families = state.withLock { $0.families }
        return PrometheusTextRenderer.render(families)
    }

    private func register(_ name: String, help: String, kind: Kind, labels: [String]) -> Int {
        precondition(PrometheusTextRenderer.isValidMetricName(name), "invalid metric name \(name)")
        precondition(labels.allSatisfy(PrometheusTextRenderer.isValidLabelName), "invalid label name in \(labels)")
        return state.withLock { s in
            if let i = s.index[name] {
                precondition(s.families[i].kind == kind && s.families[i].labelNames == labels, "metric \(name) registered twice with different shapes")
                return i
            }
            s.families.append(Family(name: name, help: help, kind: kind, labelNames: labels, values: [:]))
            s.index[name] = s.families.count - 1
            return s.families.count - 1
        }
    }

    func update(_ family: Int, name: String, labels: [String], _ body: (inout Double) -> Void) {
        state.withLock { s in
            precondition(labels.count == s.families[family].labelNames.count, "metric \(name) takes \(s.families[family].labelNames.count) label values, got \(labels.count)")
            body(&s.families[family].values[labels, default: 0])
        }
    }

    func clear(_ family: Int) {
        state.withLock { $0.families[family].values.removeAll() }
    }
}

/// A monotonically increasing count; handles are cheap to copy.
public struct MetricsCounter: Sendable {
    let registry: MetricsRegistry
    let family: Int
    let name: String

    public func increment(by amount: Double = 1, labels: [String] = []) {
        guard amount > 0 else { return }
        registry.update(family, name: name, labels: labels) { $0 += amount }
    }

    /// Makes a labelled sample appear at 0 before its first increment, so rates start from a known point.
    public func touch(labels: [String]) {
        registry.update(family, name: name, labels: labels) { _ in }
    }
}

/// A value that goes up and down.
public struct MetricsGauge: Sendable {
    let registry: MetricsRegistry
    let family: Int
    let name: String

    public func set(_ value: Double, labels: [String] = []) {
        registry.update(family, name: name, labels: labels) { $0 = value }
    }

    public func add(_ delta: Double, labels: [String] = []) {
        registry.update(family, name: name, labels: labels) { $0 += delta }
    }

    /// Replaces every labelled sample at once, e.g. open incidents by component, so vanished labels disappear.
    public func replaceAll(_ samples: [(labels: [String], value: Double)]) {
        registry.clear(family)
        for s in samples { set(s.value, labels: s.labels) }
    }
}
