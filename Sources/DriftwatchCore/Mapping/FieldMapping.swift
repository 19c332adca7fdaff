/// How a service's own JSON lines become records of format v1: the `fields:`, `elements:`,
/// `values:`, `constants:` and `timestamp_unit:` of a source (docs/configuration.md).
///
/// A plain value: the configuration loader checks every path against ``RecordFieldPaths`` and
/// ``MappedRecordDecoder`` applies it to each line.
public struct FieldMapping: Sendable, Equatable {
    /// One record field filled from one path of the service's JSON (both dotted).
    public struct Rename: Sendable, Equatable {
        /// The record's field, e.g. `model.name`.
        public var target: String
        /// Where it is in the service's line, e.g. `llm.model`.
        public var source: String

        public init(target: String, source: String) {
            self.target = target
            self.source = source
        }
    }

    /// A record field every line of the source gets.
    public struct Constant: Sendable, Equatable {
        public var target: String
        /// The value as JSON text, e.g. `"support-copilot"` or `true`.
        public var json: String

        public init(target: String, json: String) {
            self.target = target
            self.json = json
        }
    }

    /// How the service writes its timestamps.
    public enum TimestampUnit: String, Sendable, Equatable, CaseIterable {
        /// An RFC 3339 string.
        case rfc3339
        /// Epoch seconds (a number, fractions allowed, or a string holding one).
        case seconds = "s"
        /// Epoch milliseconds.
        case milliseconds = "ms"
        /// Epoch microseconds.
        case microseconds = "us"

        var micros: Int64 {
            switch self {
            case .rfc3339: 0
            case .seconds: 1_000_000
            case .milliseconds: 1_000
            case .microseconds: 1
            }
        }
    }

    /// Record field ← service path, in configuration order.
    public var fields: [Rename]
    /// For an array field (`retrieval.evidence`, `tools`, `validation`) mapped in ``fields``: element
    /// field ← path inside each element of the service's array.
    public var elements: [String: [Rename]]
    /// Record field (or `array.element_field`) → the service's value → the record's value, e.g.
    /// `outcome: {ok: success}`. Values not listed pass through unchanged.
    public var values: [String: [String: String]]
    public var constants: [Constant]
    /// Nil: what format v1 accepts (an RFC 3339 string or epoch milliseconds as an integer).
    public var timestampUnit: TimestampUnit?

    public init(fields: [Rename] = [], elements: [String: [Rename]] = [:], values: [String: [String: String]] = [:],
                constants: [Constant] = [], timestampUnit: TimestampUnit? = nil) {
        self.fields = fields
        self.elements = elements
        self.values = values
        self.constants = constants
        self.timestampUnit = timestampUnit
    }

    /// The top-level key under which service fields that clash with a mapped record field are kept
    /// in the stored line (so they are neither lost nor read as that record field).
    public static let clashingFieldsKey = "_source"
}
