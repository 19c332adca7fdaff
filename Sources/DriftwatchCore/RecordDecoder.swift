/// Why a line could not be decoded into a ``RequestRecord``.
public struct RecordDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `invalid_json`, `invalid_utf8`, `missing_field`, `wrong_type`, `invalid_value`, `too_deep`.
    public var code: String
    /// What was expected and where, naming the field path.
    public var reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}

/// Decodes one line of format v1 JSON into a ``RequestRecord``, straight from its bytes.
///
/// Log content is untrusted, so the decoder is bounds-checked throughout, limits nesting, validates
/// UTF-8 and the full JSON grammar (unknown fields are skipped but must still be valid JSON), and
/// never traps: every problem is a ``RecordDecodingError`` whose reason names the field path.
/// Duplicate keys: the last one wins. `null` for an optional field means absent.
///
/// When a line is valid JSON but not a valid record the code is `missing_field`, `wrong_type` or
/// `invalid_value`; when it is not valid JSON it is `invalid_json`, `invalid_utf8` or `too_deep`,
/// even if a record-level problem appears earlier in the line.
public struct RecordDecoder: Sendable {
    /// Deepest nesting accepted; the line's own object is level 1. Records need 4 levels.
    let maxDepth: Int

    /// - Parameter maxDepth: nesting limit against hostile input, clamped to `1...512` so skipping
    ///   deep unknown values can never exhaust the stack.
    public init(maxDepth: Int = 64) {
        self.maxDepth = min(max(maxDepth, 1), 512)
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> RequestRecord {
        guard let raw = bytes.baseAddress, bytes.count > 0 else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidJSON, reason: "empty line")
        }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var scanner = JSONScanner(base: base, count: bytes.count, maxDepth: maxDepth)
        var record = RequestRecord(requestID: "", timestampMicros: 0)
        do {
            try RecordReader.read(&scanner, into: &record)
        } catch {
            if !DecodingErrorCode.isSyntax(error.code) {
                // Report broken JSON as such, even past a record-level problem found earlier.
                var validator = JSONScanner(base: base, count: bytes.count, maxDepth: maxDepth)
                try validator.validateDocument()
            }
            throw error
        }
        return record
    }

    public func decode(_ bytes: [UInt8]) throws(RecordDecodingError) -> RequestRecord {
        let result: Result<RequestRecord, RecordDecodingError> = bytes.withUnsafeBytes { buffer in
            do throws(RecordDecodingError) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension RecordDecoder {
    /// The top-level field names the decoder understands, in format-table order; the shipped JSON
    /// Schema must list the same ones.
    package static var topLevelFieldNames: [String] { RecordReader.topLevelFieldNames }
}

/// Turns one log line of some other format into records, for sources that are not format v1
/// (e.g. the OpenTelemetry Collector's file exporter, one OTLP/JSON request per line).
///
/// A line may hold several records or none; a line that cannot be read throws, and the ingester
/// dead-letters it with its file and offset like a bad native line. Each record's `raw` is what
/// the store keeps, normally the record's canonical format v1 line.
public protocol RecordLineDecoder: Sendable {
    func records(fromLine line: UnsafeRawBufferPointer) throws(RecordDecodingError) -> [IngestedRecord]
}
