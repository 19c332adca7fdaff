/// Limits and intervals of the ingester. The defaults suit a sidecar on a small machine.
public struct IngestConfiguration: Sendable, Equatable {
    /// Lines longer than this (bytes, without the newline) are dead-lettered as `line_too_long`
    /// and skipped to their newline instead of being buffered.
    public var maxLineBytes: Int = 1 << 20
    /// A batch is committed once it holds this many records and dead letters...
    public var batchMaxRecords: Int = 20_000
    /// ...or this many bytes of raw lines. Reading pauses while a full batch is committed.
    public var batchMaxBytes: Int = 8 << 20
    /// Bytes read per `pread`/inflate call.
    public var readChunkBytes: Int = 1 << 20
    /// Descriptors kept open at most; idle, caught-up files that the globs still match are closed first.
    public var maxOpenFiles: Int = 256
    /// A file no longer matched by the globs (renamed away, deleted) is read to its end and then kept
    /// open until it has not grown for this many discovery rounds, in case its writer has not reopened the new
    /// file yet (or, deleted, keeps writing to it).
    public var goneFileGraceRounds: Int = 5
    /// How often the globs are expanded again.
    public var discoveryInterval: Duration = .seconds(1)
    /// How long the tailer waits after catching up before it looks for new lines again.
    public var pollInterval: Duration = .milliseconds(250)

    public init(
        maxLineBytes: Int = 1 << 20,
        batchMaxRecords: Int = 20_000,
        batchMaxBytes: Int = 8 << 20,
        readChunkBytes: Int = 1 << 20,
        maxOpenFiles: Int = 256,
        goneFileGraceRounds: Int = 5,
        discoveryInterval: Duration = .seconds(1),
        pollInterval: Duration = .milliseconds(250)
    ) {
        self.maxLineBytes = maxLineBytes
        self.batchMaxRecords = batchMaxRecords
        self.batchMaxBytes = batchMaxBytes
        self.readChunkBytes = readChunkBytes
        self.maxOpenFiles = maxOpenFiles
        self.goneFileGraceRounds = goneFileGraceRounds
        self.discoveryInterval = discoveryInterval
        self.pollInterval = pollInterval
    }
}
