extension OTLPProtobufDecoder {
    /// Decodes a protobuf `ExportLogsServiceRequest` (or `LogsData`, which has the same shape):
    /// opentelemetry-proto `logs/v1/logs.proto`, field numbers as of OTLP 1.5 (`event_name` = 12).
    public func decodeLogs(_ bytes: [UInt8]) throws(OTLPDecodingError) -> OTLPLogsRequest {
        var request = OTLPLogsRequest()
        var r = ProtobufReader(bytes: bytes, range: 0..<bytes.count, message: "ExportLogsServiceRequest")
        while let (number, wire) = try r.nextField() {
            if number == 1 {
                try r.expect(wire, .lengthDelimited, field: "resource_logs")
                try decodeResourceLogs(bytes, try r.readLengthDelimited(), into: &request.logRecords)
            } else {
                try r.skip(wire)
            }
        }
        return request
    }

    private func decodeResourceLogs(_ bytes: [UInt8], _ range: Range<Int>, into records: inout [OTLPLogRecord]) throws(OTLPDecodingError) {
        let (resource, scopeRanges) = try decodeResourceEnvelope(bytes, range, message: "ResourceLogs", scopeField: "scope_logs")
        for scope in scopeRanges {
            var sr = ProtobufReader(bytes: bytes, range: scope, message: "ScopeLogs")
            var scopeName = ""
            let first = records.count
            while let (number, wire) = try sr.nextField() {
                switch number {
                case 1:
                    try sr.expect(wire, .lengthDelimited, field: "scope")
                    var ir = ProtobufReader(bytes: bytes, range: try sr.readLengthDelimited(), message: "InstrumentationScope")
                    while let (n, w) = try ir.nextField() {
                        if n == 1 {
                            try ir.expect(w, .lengthDelimited, field: "name")
                            scopeName = try ir.readString()
                        } else {
                            try ir.skip(w)
                        }
                    }
                case 2:
                    try sr.expect(wire, .lengthDelimited, field: "log_records")
                    var record = try decodeLogRecord(bytes, try sr.readLengthDelimited())
                    record.resourceAttributes = resource
                    records.append(record)
                default:
                    try sr.skip(wire)
                }
            }
            for i in first..<records.count { records[i].scopeName = scopeName }
        }
    }

    private func decodeLogRecord(_ bytes: [UInt8], _ range: Range<Int>) throws(OTLPDecodingError) -> OTLPLogRecord {
        var r = ProtobufReader(bytes: bytes, range: range, message: "LogRecord")
        var record = OTLPLogRecord()
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .fixed64, field: "time_unix_nano")
                record.timeUnixNano = try r.readFixed64()
            case 2:
                try r.expect(wire, .varint, field: "severity_number")
                record.severityNumber = Int(truncatingIfNeeded: try r.readVarint())
            case 5:
                try r.expect(wire, .lengthDelimited, field: "body")
                record.body = try decodeAnyValue(bytes, try r.readLengthDelimited(), depth: 0)
            case 6:
                try r.expect(wire, .lengthDelimited, field: "attributes")
                record.attributes.append(try decodeKeyValue(bytes, try r.readLengthDelimited(), depth: 0))
            case 9:
                try r.expect(wire, .lengthDelimited, field: "trace_id")
                record.traceID = try r.readBytes()
            case 10:
                try r.expect(wire, .lengthDelimited, field: "span_id")
                record.spanID = try r.readBytes()
            case 11:
                try r.expect(wire, .fixed64, field: "observed_time_unix_nano")
                record.observedTimeUnixNano = try r.readFixed64()
            case 12:
                try r.expect(wire, .lengthDelimited, field: "event_name")
                record.eventName = try r.readString()
            default:
                try r.skip(wire)
            }
        }
        return record
    }
}
