public import DriftwatchCore

/// An incident or a benign change, as parsed from one CLI spec.
public enum WorkloadChange: Sendable, Equatable {
    case incident(InjectedIncident)
    case benign(BenignChange)
}

/// Parses CLI specs such as `tool_outage@90m:tool=refund_api,rate=0.6` or `checkpoint_regression@3h:slice=language=de`.
///
/// Grammar: `KIND@START[:KEY=VALUE,...]`, where START is a duration from the workload start (`90m`, `2h`,
/// `1h30m`, `45s`, `1d`, `0`). Values are checked against the catalog here, so a typo fails on the command line
/// with a message naming the spec, the key and what was expected, rather than silently generating a healthy run.
public enum WorkloadSpecParser {
    public static func parse(_ spec: String) throws(DriftwatchError) -> WorkloadChange {
        let text = spec.trimmingSpaces()
        guard !text.isEmpty else { throw specError(spec, "the spec is empty; expected KIND@START[:KEY=VALUE,...]") }
        guard let at = text.firstIndex(of: "@") else {
            throw specError(spec, "missing \"@START\"; expected KIND@START[:KEY=VALUE,...], e.g. tool_outage@90m")
        }
        let kindText = String(text[..<at])
        let rest = text[text.index(after: at)...]
        let startText: String
        let parameterText: String?
        if let colon = rest.firstIndex(of: ":") {
            startText = String(rest[..<colon])
            parameterText = String(rest[rest.index(after: colon)...])
        } else {
            startText = String(rest)
            parameterText = nil
        }
        let start: Int64
        do { start = try parseDuration(startText) } catch {
            throw specError(spec, "start time: \(error.message)")
        }
        var parameters: [String: String] = [:]
        if let parameterText {
            for item in parameterText.split(separator: ",", omittingEmptySubsequences: false) {
                guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                    throw specError(spec, "parameter \"\(item)\" is not KEY=VALUE")
                }
                let key = String(item[..<eq])
                let value = String(item[item.index(after: eq)...])
                guard !value.isEmpty else { throw specError(spec, "parameter \"\(key)\" has an empty value") }
                guard parameters[key] == nil else { throw specError(spec, "parameter \"\(key)\" is given twice") }
                parameters[key] = value
            }
        }
        var duration: Int64?
        if let text = parameters.removeValue(forKey: "for") {
            do { duration = try parseDuration(text) } catch { throw specError(spec, "parameter \"for\": \(error.message)") }
            guard duration! > 0 else { throw specError(spec, "parameter \"for\" must be longer than zero") }
        }

        if let kind = InjectedIncident.Kind(rawValue: kindText) {
            var ramp: Int64 = 0
            if let text = parameters.removeValue(forKey: "ramp") {
                do { ramp = try parseDuration(text) } catch { throw specError(spec, "parameter \"ramp\": \(error.message)") }
            }
            var effect: Double?
            for key in Set(["effect", kind.effectAlias]) {
                guard let text = parameters.removeValue(forKey: key) else { continue }
                guard effect == nil else { throw specError(spec, "give the effect once, as \"effect\" or \"\(kind.effectAlias)\"") }
                guard let value = Double(text), value.isFinite else {
                    throw specError(spec, "parameter \"\(key)\" must be a number, got \"\(text)\"")
                }
                effect = value
            }
            try checkKeys(parameters, allowed: kind.parameterNames, kind: kind.rawValue, spec: spec)
            let incident = InjectedIncident(kind: kind, startOffsetMicros: start, effect: effect, parameters: parameters,
                                            durationMicros: duration, rampMicros: ramp)
            do { _ = try ScheduledChange(incident, workloadStart: 0) } catch { throw specError(spec, error.message) }
            return .incident(incident)
        }
        if let kind = BenignChange.Kind(rawValue: kindText) {
            try checkKeys(parameters, allowed: kind.parameterNames, kind: kind.rawValue, spec: spec)
            let change = BenignChange(kind: kind, startOffsetMicros: start, parameters: parameters, durationMicros: duration)
            do { _ = try ScheduledChange(change, workloadStart: 0) } catch { throw specError(spec, error.message) }
            return .benign(change)
        }
        let known = (InjectedIncident.Kind.allCases.map(\.rawValue) + BenignChange.Kind.allCases.map(\.rawValue))
        throw specError(spec, "unknown kind \"\(kindText)\"; expected one of \(known.joined(separator: ", "))")
    }

    /// Parses `90m`, `2h`, `1h30m`, `45s`, `1d`, `1.5h` or `0` into microseconds.
    public static func parseDuration(_ text: String) throws(DriftwatchError) -> Int64 {
        guard !text.isEmpty else {
            throw DriftwatchError(.invalidArgument, "empty duration; expected e.g. 90m, 2h, 1h30m")
        }
        if text == "0" { return 0 }
        var total = 0.0
        var number = ""
        for ch in text {
            if ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            let unit: Double
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default:
                throw DriftwatchError(.invalidArgument, "duration \"\(text)\" has unknown unit \"\(ch)\"; expected s, m, h or d")
            }
            guard let value = Double(number) else {
                throw DriftwatchError(.invalidArgument, "duration \"\(text)\" needs a number before \"\(ch)\"")
            }
            total += value * unit
            number = ""
        }
        guard number.isEmpty else {
            throw DriftwatchError(.invalidArgument, "duration \"\(text)\" lacks a unit after \"\(number)\"; expected s, m, h or d")
        }
        guard total < 365 * 86_400 else {
            throw DriftwatchError(.invalidArgument, "duration \"\(text)\" is longer than a year")
        }
        return Int64((total * 1_000_000).rounded())
    }

    /// Formats microseconds as the shortest `1h30m`-style duration that ``parseDuration(_:)`` reads back.
    public static func formatDuration(_ micros: Int64) -> String {
        guard micros > 0 else { return "0" }
        if micros % 1_000_000 != 0 { return "\(Double(micros) / 1_000_000)s" }
        var seconds = micros / 1_000_000
        var out = ""
        for (unit, name) in [(Int64(86_400), "d"), (3600, "h"), (60, "m"), (1, "s")] where seconds >= unit {
            out += "\(seconds / unit)\(name)"
            seconds %= unit
        }
        return out
    }

    private static func checkKeys(_ parameters: [String: String], allowed: [String], kind: String, spec: String) throws(DriftwatchError) {
        for key in parameters.keys.sorted() where !allowed.contains(key) {
            let list = (allowed + ["for", "ramp"]).joined(separator: ", ")
            throw specError(spec, "unknown parameter \"\(key)\" for \(kind); expected one of \(list)")
        }
    }

    private static func specError(_ spec: String, _ problem: String) -> DriftwatchError {
        DriftwatchError(.invalidArgument, "invalid workload spec \"\(spec)\": \(problem)")
    }
}

extension InjectedIncident {
    /// Parses an incident spec; a benign-change spec is an error here.
    public init(spec: String) throws(DriftwatchError) {
        guard case .incident(let incident) = try WorkloadSpecParser.parse(spec) else {
            throw DriftwatchError(.invalidArgument, "invalid workload spec \"\(spec)\": a benign change, not an incident")
        }
        self = incident
    }
}

extension BenignChange {
    /// Parses a benign-change spec; an incident spec is an error here.
    public init(spec: String) throws(DriftwatchError) {
        guard case .benign(let change) = try WorkloadSpecParser.parse(spec) else {
            throw DriftwatchError(.invalidArgument, "invalid workload spec \"\(spec)\": an incident, not a benign change")
        }
        self = change
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
