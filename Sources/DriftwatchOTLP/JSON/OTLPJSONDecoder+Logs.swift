extension OTLPJSONDecoder {
    /// Decodes an OTLP/JSON `ExportLogsServiceRequest`, with the same leniency as traces
    /// (snake_case names, 64-bit integers as strings or numbers, enums as integers or names).
    public func decodeLogs(_ bytes: [UInt8]) throws(OTLPDecodingError) -> OTLPLogsRequest {
        let root = try JSONParser.parse(bytes, maxDepth: maxDepth)
        guard case .object = root else {
            throw OTLPDecodingError(.wrongType, "ExportLogsServiceRequest: expected an object, got \(root.typeName)")
        }
        var request = OTLPLogsRequest()
        for (i, rl) in try array(root["resourceLogs", or: "resource_logs"], "resourceLogs").enumerated() {
            let path = "resourceLogs[\(i)]"
            guard case .object = rl else { throw OTLPDecodingError(.wrongType, "\(path): expected an object, got \(rl.typeName)") }
            let resource = try attributes(rl["resource"]?["attributes"], "\(path).resource.attributes")
            for (j, sl) in try array(rl["scopeLogs", or: "scope_logs"], "\(path).scopeLogs").enumerated() {
                let spath = "\(path).scopeLogs[\(j)]"
                guard case .object = sl else { throw OTLPDecodingError(.wrongType, "\(spath): expected an object, got \(sl.typeName)") }
                let scopeName = try string(sl["scope"]?["name"], "\(spath).scope.name") ?? ""
                for (k, lr) in try array(sl["logRecords", or: "log_records"], "\(spath).logRecords").enumerated() {
                    var record = try decodeLogRecord(lr, "\(spath).logRecords[\(k)]")
                    record.resourceAttributes = resource
                    record.scopeName = scopeName
                    request.logRecords.append(record)
                }
            }
        }
        return request
    }

    private func decodeLogRecord(_ v: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPLogRecord {
        guard case .object = v else { throw OTLPDecodingError(.wrongType, "\(path): expected an object, got \(v.typeName)") }
        var record = OTLPLogRecord()
        record.traceID = try id(v["traceId", or: "trace_id"], "\(path).traceId")
        record.spanID = try id(v["spanId", or: "span_id"], "\(path).spanId")
        record.timeUnixNano = try uint64(v["timeUnixNano", or: "time_unix_nano"], "\(path).timeUnixNano")
        record.observedTimeUnixNano = try uint64(v["observedTimeUnixNano", or: "observed_time_unix_nano"], "\(path).observedTimeUnixNano")
        record.eventName = try string(v["eventName", or: "event_name"], "\(path).eventName") ?? ""
        record.severityNumber = try enumValue(v["severityNumber", or: "severity_number"], "\(path).severityNumber", names: Self.severityNames)
        record.body = try anyValue(v["body"], "\(path).body")
        record.attributes = try attributes(v["attributes"], "\(path).attributes")
        return record
    }

    /// `SeverityNumber` names in wire order (0 unspecified, 1 TRACE ... 24 FATAL4).
    static let severityNames: [String] = ["SEVERITY_NUMBER_UNSPECIFIED"]
        + ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap { level in
            ["", "2", "3", "4"].map { "SEVERITY_NUMBER_\(level)\($0)" }
        }
}
