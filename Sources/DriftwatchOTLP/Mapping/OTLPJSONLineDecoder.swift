public import DriftwatchCore

/// Maps one line of the OpenTelemetry Collector's file exporter output (one OTLP/JSON
/// `ExportTraceServiceRequest` or `TracesData` per line) to records, one per trace in the line.
///
/// Meant for the tailer: a line that fails to decode is a dead letter like a bad native line.
/// Spans of one trace split across lines are not joined here (the Collector's batch processor
/// normally keeps a finished trace together).
public struct OTLPJSONLineDecoder: Sendable {
    public var mapper: OTLPTraceMapper
    public var decoder: OTLPJSONDecoder

    public init(configuration: OTLPMappingConfiguration = OTLPMappingConfiguration(), decoder: OTLPJSONDecoder = OTLPJSONDecoder()) {
        self.mapper = OTLPTraceMapper(configuration: configuration)
        self.decoder = decoder
    }

    public func decode(_ line: [UInt8]) throws(OTLPDecodingError) -> [RequestRecord] {
        mapper.records(from: try decoder.decode(line))
    }

    /// The records with their canonical JSON lines, ready for an ``IngestBatch``.
    public func decodeIngested(_ line: [UInt8]) throws(OTLPDecodingError) -> [IngestedRecord] {
        let encoder = RecordEncoder()
        return try decode(line).map { IngestedRecord(record: $0, raw: encoder.encode($0)) }
    }
}

extension OTLPJSONLineDecoder: RecordLineDecoder {
    /// For the tailer: decode errors become dead letters coded `otlp_<code>` (e.g. `otlp_malformed`).
    public func records(fromLine line: UnsafeRawBufferPointer) throws(RecordDecodingError) -> [IngestedRecord] {
        do {
            return try decodeIngested(Array(line))
        } catch {
            throw RecordDecodingError(code: "otlp_" + error.code.rawValue, reason: error.message)
        }
    }
}
