import DriftwatchCore
import DriftwatchDrift
import DriftwatchStatistics
import Yams

extension ConfigurationLoader {
    /// Reads the `drift:` section: intervals, windows, caps, thresholds and the feature list.
    ///
    ///     drift:
    ///       interval: 30s
    ///       bucket: 5m
    ///       baseline: rolling       # the 24 h before the current window; or 1h (the first hour of data),
    ///                               # or {from: RFC 3339, to: RFC 3339}
    ///       reference_window: 24h   # the rolling baseline's length
    ///       reference_bucket: 1h
    ///       current_window: 1h
    ///       trailing_reference: 1h
    ///       min_count: 100
    ///       features: [task, slices.language, {name: retrieval.top_score, reference: trailing, test: psi, threshold: 0.2}]
    func readDrift(_ node: Node, reader: NodeReader) throws -> DriftwatchConfiguration.DriftSettings {
        var settings = DriftwatchConfiguration.DriftSettings()
        let fields = try reader.mapping(node, path: "drift")
        try reader.allowOnly(fields, keys: [
            "interval", "batch_rows", "bucket", "baseline", "reference_window", "reference_bucket", "current_window", "trailing_reference", "min_count",
            "max_categories", "max_documents", "max_scopes", "task_scopes", "slice_scopes", "all_slice_keys",
            "adjust_p_values", "significance_guard", "features",
        ], path: "drift")
        var d = settings.detector
        if let n = fields["interval"] { settings.intervalMillis = Int(try reader.duration(n, path: "drift.interval") / 1000) }
        if let n = fields["batch_rows"] { settings.batchRows = try reader.int(n, path: "drift.batch_rows", minimum: 1) }
        if let n = fields["bucket"] { d.bucketMicros = try reader.duration(n, path: "drift.bucket") }
        if let n = fields["current_window"] { d.currentWindowMicros = try reader.duration(n, path: "drift.current_window") }
        if let n = fields["trailing_reference"] { d.trailingReferenceMicros = try reader.duration(n, path: "drift.trailing_reference") }
        if let n = fields["baseline"] {
            if case .mapping = n {
                let period = try reader.mapping(n, path: "drift.baseline")
                try reader.allowOnly(period, keys: ["from", "to"], path: "drift.baseline")
                func time(_ key: String) throws -> Int64 {
                    guard let node = period[key] else { throw reader.error(n, path: "drift.baseline.\(key)", "is required (RFC 3339 time)") }
                    let text = try reader.string(node, path: "drift.baseline.\(key)")
                    guard let micros = RFC3339.parse(text) else {
                        throw reader.error(node, path: "drift.baseline.\(key)", "expected an RFC 3339 time such as 2025-01-06T00:00:00Z")
                    }
                    return micros
                }
                d.baseline = .fixed(fromMicros: try time("from"), toMicros: try time("to"))
            } else if case .scalar(let scalar) = n, scalar.string == "rolling" {
                d.baseline = .rolling(durationMicros: 86_400_000_000)
            } else {
                d.baseline = .leading(durationMicros: try reader.duration(n, path: "drift.baseline"))
            }
        }
        if let n = fields["reference_window"] {
            guard case .rolling = d.baseline else {
                throw reader.error(n, path: "drift.reference_window", "applies to `baseline: rolling` only")
            }
            d.baseline = .rolling(durationMicros: try reader.duration(n, path: "drift.reference_window"))
        }
        if let n = fields["reference_bucket"] { d.referenceBucketOverride = try reader.duration(n, path: "drift.reference_bucket") }
        if let n = fields["min_count"] { d.minCount = try reader.int(n, path: "drift.min_count", minimum: 1) }
        if let n = fields["max_categories"] { d.maxCategories = try reader.int(n, path: "drift.max_categories", minimum: 2) }
        if let n = fields["max_documents"] { d.maxDocuments = try reader.int(n, path: "drift.max_documents", minimum: 10) }
        if let n = fields["max_scopes"] { d.maxScopes = try reader.int(n, path: "drift.max_scopes", minimum: 1) }
        if let n = fields["task_scopes"] { d.taskScopes = try reader.bool(n, path: "drift.task_scopes") }
        if let n = fields["slice_scopes"] { d.sliceScopes = try reader.bool(n, path: "drift.slice_scopes") }
        if let n = fields["all_slice_keys"] { d.monitorAllSliceKeys = try reader.bool(n, path: "drift.all_slice_keys") }
        if let n = fields["adjust_p_values"] { d.adjustPValues = try reader.bool(n, path: "drift.adjust_p_values") }
        if let n = fields["significance_guard"] {
            d.significanceGuard = reader.isOff(n) ? nil : try reader.positiveNumber(n, path: "drift.significance_guard")
        }
        if let n = fields["features"] {
            d.features = try reader.sequence(n, path: "drift.features").enumerated().map { index, item in
                try readFeature(item, path: "drift.features[\(index)]", reader: reader)
            }
            d.monitorAllSliceKeys = fields["all_slice_keys"].map { (try? reader.bool($0, path: "")) ?? false } ?? false
        }
        settings.detector = d
        return settings
    }

    private func readFeature(_ node: Node, path: String, reader: NodeReader) throws -> DriftFeature {
        func source(_ nameNode: Node) throws -> FeatureSource {
            let name = try reader.string(nameNode, path: path + ".name")
            guard let source = FeatureSource(name: name) else {
                throw reader.error(nameNode, path: path, "names an unknown feature \"\(name)\"; expected e.g. task, slices.language, retrieval.top_score, latency_ms.total")
            }
            return source
        }
        if case .scalar = node { return DriftFeature(try source(node)) }
        let fields = try reader.mapping(node, path: path)
        try reader.allowOnly(fields, keys: ["name", "reference", "test", "threshold"], path: path)
        guard let nameNode = fields["name"] else { throw reader.error(node, path: path + ".name", "is required") }
        var feature = DriftFeature(try source(nameNode))
        if let n = fields["reference"] {
            let text = try reader.string(n, path: path + ".reference")
            guard let mode = DriftFeature.ReferenceMode(rawValue: text) else {
                throw reader.error(n, path: path + ".reference", "expected baseline or trailing, got \"\(text)\"")
            }
            feature.reference = mode
        }
        if let n = fields["test"] {
            let text = try reader.string(n, path: path + ".test")
            guard let test = DriftTest(rawValue: text) else {
                throw reader.error(n, path: path + ".test", "expected one of \(DriftTest.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            feature.testName = test.rawValue
        }
        if let n = fields["threshold"] { feature.threshold = try reader.positiveNumber(n, path: path + ".threshold") }
        return feature
    }
}

extension NodeReader {
    func bool(_ node: Node, path: String) throws -> Bool {
        guard case .scalar(let scalar) = node, let value = ["true": true, "yes": true, "on": true, "false": false, "no": false, "off": false][scalar.string.lowercased()] else {
            throw error(node, path: path, "expected true or false")
        }
        return value
    }

    func positiveNumber(_ node: Node, path: String) throws -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value > 0, value.isFinite else {
            throw error(node, path: path, "expected a positive number such as 0.05")
        }
        return value
    }
}
