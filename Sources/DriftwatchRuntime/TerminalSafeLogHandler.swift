import Logging

/// Wraps a log handler so log-derived text in messages and metadata (a file name, a receiver's error body, an
/// OTLP attribute) reaches stderr with control characters and bidi overrides made visible (``TerminalText``).
struct TerminalSafeLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: TerminalText.safe(event.message.description))
        event.metadata = event.metadata.map { $0.mapValues(Self.safe) }
        inner.log(event: event)
    }

    static func safe(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let s): return .string(TerminalText.safe(s))
        case .stringConvertible(let c): return .string(TerminalText.safe(c.description))
        case .dictionary(let d): return .dictionary(d.mapValues(safe))
        case .array(let a): return .array(a.map(safe))
        }
    }
}
