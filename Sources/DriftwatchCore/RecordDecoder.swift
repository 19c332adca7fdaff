import Foundation

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

/// Decodes one line of format v1 JSON into a ``RequestRecord``.
///
/// TEMPORARY STUB: decodes only `request_id` and integer-millisecond `timestamp` through
/// JSONSerialization. It is being replaced by a byte-level decoder.
public struct RecordDecoder: Sendable {
    public init() {}

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> RequestRecord {
        let data = Data(bytes)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RecordDecodingError(code: "invalid_json", reason: "not a JSON object")
        }
        guard let id = object["request_id"] as? String else {
            throw RecordDecodingError(code: "missing_field", reason: "field \"request_id\": expected a string")
        }
        guard let ts = object["timestamp"] as? NSNumber else {
            throw RecordDecodingError(code: "missing_field", reason: "field \"timestamp\": expected a number")
        }
        return RequestRecord(requestID: id, timestampMicros: ts.int64Value * 1000, task: object["task"] as? String)
    }

    public func decode(_ bytes: [UInt8]) throws(RecordDecodingError) -> RequestRecord {
        let result: Result<RequestRecord, RecordDecodingError> = bytes.withUnsafeBytes { buf in
            do throws(RecordDecodingError) { return .success(try decode(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
