/// Format v1 of the request log, declared once: every field with its path, JSON type, whether it is
/// required, its store packing code and the store column the ingest fast path fills from it.
///
/// This table is the single source of truth for format v1 (docs/format-v1.md). What reads or writes
/// the format either derives from it or is checked against it by `RecordFormatTests`:
/// - derived: ``RecordFieldPaths`` (mapping paths, kinds, required fields), ``LinePacking/keys`` (the
///   packing codes), the ingest scanner's key sets (``RecordColumnScanner``), and
///   ``RecordDecoder/topLevelFieldNames``;
/// - checked (hand-written for speed, or outside Core): the decoder's per-object key functions and
///   their counts (`RecordReader`), the scanner's per-key value readers, ``RecordEncoder``, the columns
///   of ``RecordColumns``, the properties of ``RequestRecord``, the shipped JSON Schema
///   (`schema/request-record.v1.schema.json`), and the demo encoders (`DriftwatchDemo`).
///
/// Adding a field: add a row here in the order writers emit it, with the next unused packing code
/// (codes are stored: never reuse or renumber one), then follow the failing tests — the decoder's
/// key function and reader, the scanner's value reader, the record property, the encoder and the
/// schema. The tests fail until every one of them knows the field.
public enum RecordFormat {
    /// The JSON type a field takes (also what a configuration error says is expected).
    public enum Kind: String, Sendable, Equatable {
        case string, number, integer, bool, object, array
        /// RFC 3339 string or epoch milliseconds: the record's `timestamp`.
        case timestamp
        /// A slice value: string, number or bool.
        case scalar
        /// `slices`: an object of scalars.
        case sliceMap

        /// What a configuration error says is expected.
        public var expectation: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .integer: "a whole number"
            case .bool: "true or false"
            case .object: "an object"
            case .array: "an array"
            case .timestamp: "an RFC 3339 timestamp"
            case .scalar: "a string, number or boolean"
            case .sliceMap: "an object of strings, numbers and booleans"
            }
        }
    }

    /// One field of format v1.
    public struct Field: Sendable, Equatable {
        /// The dotted path; a field of the elements of an array is written `array[].field` (`tools[].name`).
        public let path: String
        public let kind: Kind
        /// Required in every line (top level), or whenever its object or array element is present.
        public let required: Bool
        /// The index of the field's key in the store's packing table (``LinePacking``): keys shared by
        /// several fields (`version`, `id`) share one. Part of the stored format: never reassigned.
        public let packing: Int
        /// The ``RecordColumns`` property the ingest fast path fills from this field, if any.
        public let column: String?
        /// The values an enumerated string takes, in the order of its Swift enum.
        public let values: [String]?

        init(_ path: String, _ kind: Kind, required: Bool = false, packing: Int, column: String? = nil, values: [String]? = nil) {
            self.path = path
            self.kind = kind
            self.required = required
            self.packing = packing
            self.column = column
            self.values = values
        }

        /// The last step of the path: the JSON key.
        public var key: String {
            String(path[(path.lastIndex(of: ".").map(path.index(after:)) ?? path.startIndex)...])
        }

        /// The object (or `array[]` for array elements) that holds the key; `""` at the top level.
        public var parent: String {
            path.lastIndex(of: ".").map { String(path[..<$0]) } ?? ""
        }
    }

    /// Every field of format v1, in the order writers (ours included) emit them: the decoder and the
    /// scanner predict each key from the one before in this order.
    public static let fields: [Field] = [
        Field("request_id", .string, required: true, packing: 11, column: "requestID"),
        Field("timestamp", .timestamp, required: true, packing: 12, column: "timestampMicros"),
        Field("service", .string, packing: 13, column: "service"),
        Field("task", .string, packing: 14, column: "task"),
        Field("route", .string, packing: 15, column: "route"),
        Field("model", .object, packing: 16),
        Field("model.name", .string, required: true, packing: 7, column: "modelName"),
        Field("model.version", .string, required: true, packing: 3, column: "modelVersion"),
        Field("model.provider", .string, packing: 17),
        Field("model.base", .string, packing: 37),
        Field("model.tuned", .bool, packing: 18, column: "modelTuned"),
        Field("template", .object, packing: 19),
        Field("template.id", .string, required: true, packing: 0, column: "templateID"),
        Field("template.version", .string, required: true, packing: 3, column: "templateVersion"),
        Field("release", .object, packing: 20),
        Field("release.dataset", .string, packing: 38),
        Field("release.validator", .string, packing: 21),
        Field("release.eval_suite", .string, packing: 22),
        Field("retrieval", .object, packing: 9),
        Field("retrieval.index_version", .string, required: true, packing: 33, column: "indexVersion"),
        Field("retrieval.top_k", .integer, packing: 34),
        Field("retrieval.evidence", .array, packing: 35),
        Field("retrieval.evidence[].id", .string, required: true, packing: 0),
        Field("retrieval.evidence[].score", .number, packing: 1),
        Field("retrieval.evidence[].updated_at", .timestamp, packing: 2),
        Field("tools_expected", .array, packing: 36),
        Field("tools", .array, packing: 10),
        Field("tools[].name", .string, required: true, packing: 7),
        Field("tools[].version", .string, packing: 3),
        Field("tools[].status", .string, required: true, packing: 32, values: ToolStatus.allCases.map(\.rawValue)),
        Field("tools[].latency_ms", .number, packing: 8),
        Field("validation", .array, packing: 6),
        Field("validation[].check", .string, required: true, packing: 4),
        Field("validation[].passed", .bool, required: true, packing: 5),
        Field("validation[].reason", .string, packing: 41),
        Field("outcome", .string, packing: 23, column: "outcome", values: Outcome.allCases.map(\.rawValue)),
        Field("feedback", .object, packing: 39),
        Field("feedback.score", .number, required: true, packing: 1, column: "feedbackScore"),
        Field("feedback.source", .string, packing: 40),
        Field("latency_ms", .object, packing: 8),
        Field("latency_ms.total", .number, required: true, packing: 24, column: "latencyTotal"),
        Field("latency_ms.retrieval", .number, packing: 9),
        Field("latency_ms.tools", .number, packing: 10),
        Field("latency_ms.generation", .number, packing: 25),
        Field("latency_ms.validation", .number, packing: 6),
        Field("tokens", .object, packing: 26),
        Field("tokens.input", .integer, required: true, packing: 27, column: "tokensInput"),
        Field("tokens.output", .integer, required: true, packing: 28, column: "tokensOutput"),
        Field("cost_usd", .number, packing: 29, column: "costUSD"),
        Field("retries", .integer, packing: 30),
        Field("slices", .sliceMap, packing: 31),
    ]

    /// The keys of the object at `parent` (`""`: the top level; `tools[]`: the elements of `tools`), in format order.
    public static func keys(in parent: String) -> [String] {
        fields.filter { $0.parent == parent }.map(\.key)
    }

    /// Every key name, ordered by packing code (``LinePacking/keys``); traps if two fields with one key
    /// name disagree on its code or a code is skipped, so a bad row fails the first packing, in any test.
    static let packingKeys: [String] = {
        var byCode: [Int: String] = [:]
        for field in fields {
            if let other = byCode[field.packing] {
                precondition(other == field.key, "format v1: packing code \(field.packing) is both \(other) and \(field.key)")
            }
            byCode[field.packing] = field.key
        }
        let keys = (0..<byCode.count).map { code -> String in
            guard let key = byCode[code] else { preconditionFailure("format v1: packing code \(code) is unused") }
            return key
        }
        precondition(Set(keys).count == keys.count, "format v1: a key has two packing codes")
        return keys
    }()
}
