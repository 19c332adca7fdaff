import DriftwatchCore

/// An incident or benign change resolved against the catalog: indexes instead of names, absolute times,
/// defaults filled in. Resolution is also the validation of a spec's values.
struct ScheduledChange: Sendable {
    enum Action: Sendable {
        case indexChange, toolOutage, templateCanary, checkpoint, trafficShift, reindexScores, staleEvidence, toolCallDrop
        case benignTemplate, benignModel, benignIndex, benignTool
    }

    enum ToolFailureMode: Sendable { case mixed, error, timeout }

    var action: Action
    var start: Int64
    var end: Int64
    var ramp: Int64
    var effect = 0.0
    var share = 1.0
    var pool = -1
    var tool = -1
    var task = -1
    var sliceKey = -1
    var sliceValue = -1
    var modelRole = 0
    var version = ""
    var mode = ToolFailureMode.mixed
    var days = 0.0
    var failure = 0.0
    /// For a tool outage: the chance that a request whose required call failed also fails the grounded check.
    var grounded = 0.0
    /// Always set by the initialisers; the simulator clears it so copying a change in its hot loops
    /// retains nothing.
    var label: GroundTruthLabel?

    /// How strongly the change acts at `t`: 0 outside its window, ramping up to 1.
    @inline(__always)
    func intensity(at t: Int64) -> Double {
        if t < start || t >= end { return 0 }
        if ramp <= 0 || t - start >= ramp { return 1 }
        return Double(t - start) / Double(ramp)
    }

    @inline(__always)
    func isActive(at t: Int64) -> Bool { t >= start && t < end }

    init(_ incident: InjectedIncident, workloadStart: Int64) throws(DriftwatchError) {
        let p = Parameters(values: incident.parameters)
        let catalog = WorkloadCatalog.self
        let start = workloadStart + incident.startOffsetMicros
        self.start = start
        end = incident.durationMicros.map { start + $0 } ?? .max
        ramp = incident.rampMicros
        effect = incident.effect
        var scope: [String: String] = [:]
        var tasks: [String] = []
        switch incident.kind {
        case .retrievalIndexChange, .reindexLowerScores, .staleEvidence:
            action = incident.kind == .retrievalIndexChange ? .indexChange : incident.kind == .reindexLowerScores ? .reindexScores : .staleEvidence
            pool = try p.pool()
            let defaults = action == .indexChange ? ["kb-2025-01-07", "claims-2025-01"] : ["kb-2025-01-09", "claims-2025-02"]
            version = action == .staleEvidence ? catalog.indexes[pool].version : p.values["version"] ?? defaults[pool]
            if action == .staleEvidence { days = try p.number("days", default: 180, in: 1...3650) }
            try Parameters.check(effect, name: incident.kind.effectAlias, in: 0...1)
            scope["retrieval.index_version"] = version
            if p.values["slice"] != nil {
                (sliceKey, sliceValue) = try p.slice(default: "")
                let dim = catalog.sliceDimensions[sliceKey]
                scope["slices.\(dim.key)"] = dim.values[sliceValue]
            }
            let poolIndex = pool
            tasks = catalog.tasks.filter { $0.pool?.rawValue == poolIndex }.map(\.name)
        case .toolOutage, .toolCallDrop:
            action = incident.kind == .toolOutage ? .toolOutage : .toolCallDrop
            tool = try p.tool(default: incident.kind == .toolOutage ? "refund_api" : "order_status_api")
            try Parameters.check(effect, name: "rate", in: 0...1)
            if action == .toolOutage {
                switch p.values["mode"] ?? "mixed" {
                case "mixed": mode = .mixed
                case "error": mode = .error
                case "timeout": mode = .timeout
                case let other: throw DriftwatchError(.invalidArgument, "parameter \"mode\" is \"\(other)\"; expected mixed, error or timeout")
                }
                grounded = try p.number("grounded", default: 0, in: 0...1)
            } else {
                failure = try p.number("failure", default: 0.5, in: 0...1)
            }
            scope["tool"] = catalog.tools[tool].name
            let toolIndex = tool
            tasks = catalog.tasks.filter { $0.toolsExpected.contains(toolIndex) || $0.optionalTool?.tool == toolIndex }.map(\.name)
        case .templateCanary:
            action = .templateCanary
            task = try p.task(default: "refund_question")
            share = try p.number("share", default: 0.3, in: 0...1)
            version = p.values["version"] ?? String(catalog.tasks[task].templateVersion + 1)
            try Parameters.check(effect, name: "effect", in: 0...1)
            scope = ["task": catalog.tasks[task].name, "template.id": catalog.tasks[task].templateID, "template.version": version]
            tasks = [catalog.tasks[task].name]
        case .checkpointRegression:
            action = .checkpoint
            (sliceKey, sliceValue) = try p.slice(default: "language=de")
            share = try p.number("share", default: 1, in: 0...1)
            version = p.values["version"] ?? "ckpt-0503"
            try Parameters.check(effect, name: "effect", in: 0...1)
            let dim = catalog.sliceDimensions[sliceKey]
            scope = ["model.name": catalog.models[0].name, "model.version": version, "slices.\(dim.key)": dim.values[sliceValue]]
            tasks = catalog.tasks.filter { $0.model == .tuned }.map(\.name)
            if p.values["task"] != nil {
                task = try p.task(default: "")
                guard catalog.tasks[task].model == .tuned else {
                    throw DriftwatchError(.invalidArgument, "parameter \"task\" is \"\(catalog.tasks[task].name)\", which the tuned model does not serve; expected one of \(tasks.joined(separator: ", "))")
                }
                scope["task"] = catalog.tasks[task].name
                tasks = [catalog.tasks[task].name]
            }
        case .trafficShift, .languageShift:
            action = .trafficShift
            if incident.kind == .trafficShift {
                (sliceKey, sliceValue) = try p.slice(default: "language=de")
            } else {
                sliceKey = 0
                let language = p.values["language"] ?? "es"
                guard let value = catalog.sliceDimensions[0].values.firstIndex(of: language) else {
                    throw DriftwatchError(.invalidArgument, "parameter \"language\" is \"\(language)\"; expected one of \(catalog.sliceDimensions[0].values.joined(separator: ", "))")
                }
                sliceValue = value
            }
            try Parameters.check(effect, name: "share", in: 0...1)
            share = effect
            let dim = catalog.sliceDimensions[sliceKey]
            scope = ["slices.\(dim.key)": dim.values[sliceValue]]
            tasks = catalog.taskNames
        }
        label = GroundTruthLabel(
            kind: incident.kind.rawValue, spec: incident.description, component: incident.component,
            expectedAction: incident.expectedAction, startMicros: start, endMicros: end == .max ? nil : end,
            affectsQuality: incident.affectsQuality, effect: incident.effect, scope: scope, affectedTasks: tasks)
    }

    init(_ change: BenignChange, workloadStart: Int64) throws(DriftwatchError) {
        let p = Parameters(values: change.parameters)
        let catalog = WorkloadCatalog.self
        let start = workloadStart + change.startOffsetMicros
        self.start = start
        end = change.durationMicros.map { start + $0 } ?? .max
        ramp = 0
        var scope: [String: String] = [:]
        var tasks: [String] = []
        switch change.kind {
        case .templateVersion:
            action = .benignTemplate
            task = try p.task(default: "policy_lookup")
            share = try p.number("share", default: 1, in: 0...1)
            version = p.values["version"] ?? "\(catalog.tasks[task].templateVersion).1"
            scope = ["task": catalog.tasks[task].name, "template.id": catalog.tasks[task].templateID, "template.version": version]
            tasks = [catalog.tasks[task].name]
        case .modelVersion:
            action = .benignModel
            let role = p.values["model"] ?? "tuned"
            guard let index = ["tuned", "general", "fallback"].firstIndex(of: role) else {
                throw DriftwatchError(.invalidArgument, "parameter \"model\" is \"\(role)\"; expected tuned, general or fallback")
            }
            modelRole = index
            share = try p.number("share", default: 1, in: 0...1)
            version = p.values["version"] ?? ["ckpt-0501", "2024-12-17", "2024-11-20"][index]
            scope = ["model.name": catalog.models[index].name, "model.version": version]
            tasks = catalog.tasks.filter { $0.model.rawValue == index || index == 2 }.map(\.name)
        case .indexVersion:
            action = .benignIndex
            pool = try p.pool()
            version = p.values["version"] ?? ["kb-2025-01-03", "claims-2024-12"][pool]
            scope = ["retrieval.index_version": version]
            let poolIndex = pool
            tasks = catalog.tasks.filter { $0.pool?.rawValue == poolIndex }.map(\.name)
        case .toolVersion:
            action = .benignTool
            tool = try p.tool(default: "crm_lookup")
            let parts = catalog.tools[tool].version.split(separator: ".").compactMap { Int($0) }
            version = p.values["version"] ?? "\(parts[0]).\(parts[1] + 1).0"
            scope = ["tool": catalog.tools[tool].name]
            let toolIndex = tool
            tasks = catalog.tasks.filter { $0.toolsExpected.contains(toolIndex) || $0.optionalTool?.tool == toolIndex }.map(\.name)
        }
        label = GroundTruthLabel(
            kind: change.kind.rawValue, spec: change.description, component: change.component, expectedAction: "none",
            startMicros: start, endMicros: end == .max ? nil : end, affectsQuality: false, effect: 0, scope: scope,
            affectedTasks: tasks)
    }
}

/// Typed access to a spec's string parameters, with messages that name the key and the accepted values.
private struct Parameters {
    var values: [String: String]

    func number(_ key: String, default value: Double, in range: ClosedRange<Double>) throws(DriftwatchError) -> Double {
        guard let text = values[key] else { return value }
        guard let number = Double(text), number.isFinite else {
            throw DriftwatchError(.invalidArgument, "parameter \"\(key)\" must be a number, got \"\(text)\"")
        }
        try Parameters.check(number, name: key, in: range)
        return number
    }

    static func check(_ value: Double, name: String, in range: ClosedRange<Double>) throws(DriftwatchError) {
        guard range.contains(value) else {
            throw DriftwatchError(.invalidArgument, "parameter \"\(name)\" is \(value); expected a value in \(range.lowerBound)...\(range.upperBound)")
        }
    }

    func pool() throws(DriftwatchError) -> Int {
        let name = values["index"] ?? "support"
        guard let pool = WorkloadCatalog.poolNamed(name) else {
            throw DriftwatchError(.invalidArgument, "parameter \"index\" is \"\(name)\"; expected support or claims")
        }
        return pool.rawValue
    }

    func tool(default name: String) throws(DriftwatchError) -> Int {
        let name = values["tool"] ?? name
        guard let index = WorkloadCatalog.toolIndex(named: name) else {
            throw DriftwatchError(.invalidArgument, "parameter \"tool\" is \"\(name)\"; expected one of \(WorkloadCatalog.toolNames.joined(separator: ", "))")
        }
        return index
    }

    func task(default name: String) throws(DriftwatchError) -> Int {
        let name = values["task"] ?? name
        guard let index = WorkloadCatalog.taskIndex(named: name) else {
            throw DriftwatchError(.invalidArgument, "parameter \"task\" is \"\(name)\"; expected one of \(WorkloadCatalog.taskNames.joined(separator: ", "))")
        }
        return index
    }

    func slice(default text: String) throws(DriftwatchError) -> (Int, Int) {
        let text = values["slice"] ?? text
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw DriftwatchError(.invalidArgument, "parameter \"slice\" is \"\(text)\"; expected KEY=VALUE, e.g. slice=language=de")
        }
        guard let key = WorkloadCatalog.sliceKeyIndex(parts[0]) else {
            let keys = WorkloadCatalog.sliceDimensions.map(\.key).joined(separator: ", ")
            throw DriftwatchError(.invalidArgument, "parameter \"slice\" has unknown key \"\(parts[0])\"; expected one of \(keys)")
        }
        let dim = WorkloadCatalog.sliceDimensions[key]
        guard let value = dim.values.firstIndex(of: parts[1]) else {
            throw DriftwatchError(.invalidArgument, "parameter \"slice\" has unknown value \"\(parts[1])\" for \(dim.key); expected one of \(dim.values.joined(separator: ", "))")
        }
        return (key, value)
    }
}
