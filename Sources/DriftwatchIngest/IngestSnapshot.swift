import Synchronization

/// Where the ingester stands on one open file.
public struct FileStatus: Sendable, Equatable {
    public var path: String
    /// Nil while the first line is incomplete.
    public var fingerprint: String?
    public var device: UInt64
    public var inode: UInt64
    /// Bytes of the uncompressed stream read and handed out.
    public var offset: UInt64
    /// Size on disk for plain files; nil for gzip (the uncompressed size is unknown until the end).
    public var size: UInt64?
    /// `size - offset` for plain files; for gzip 0 once the stream is read completely, else nil.
    public var lagBytes: UInt64?
    public var isGzip: Bool

    public init(path: String, fingerprint: String?, device: UInt64, inode: UInt64, offset: UInt64, size: UInt64?, lagBytes: UInt64?, isGzip: Bool) {
        self.path = path
        self.fingerprint = fingerprint
        self.device = device
        self.inode = inode
        self.offset = offset
        self.size = size
        self.lagBytes = lagBytes
        self.isGzip = isGzip
    }
}

/// Counters of an ingester since it started, cheap to copy out for `status` and metrics.
public struct IngestSnapshot: Sendable, Equatable {
    public var filesWatched = 0
    /// Uncompressed bytes read from log files.
    public var bytesRead: UInt64 = 0
    /// Non-empty lines framed (records plus dead letters).
    public var lines: UInt64 = 0
    /// Lines decoded into records (stored or duplicate).
    public var records: UInt64 = 0
    /// Records newly stored.
    public var inserted: UInt64 = 0
    /// Records whose `request_id` was already stored.
    public var duplicates: UInt64 = 0
    public var deadLetters: UInt64 = 0
    /// ``deadLetters`` by code (`invalid_json`, `line_too_long`, ...), for `/metrics`.
    public var deadLettersByCode: [String: UInt64] = [:]
    public var commits: UInt64 = 0
    public var truncations: UInt64 = 0
    /// Files that could not be read (permission, I/O, corrupt gzip).
    public var fileErrors: UInt64 = 0
    /// Wall-clock time of the last successful commit, microseconds since the epoch.
    public var lastCommitMicros: Int64?
    /// Commits that failed for lack of space (or on a damaged store) and were retried after a pause.
    public var commitRetries: UInt64 = 0
    /// Since when reading is paused because commits fail, microseconds since the epoch; nil while commits succeed.
    public var pausedSinceMicros: Int64?
    public var files: [FileStatus] = []

    public init() {}
}

/// The latest ``IngestSnapshot`` of a running ingester, readable from any task.
///
/// Several ingesters may publish to one (a tailer per source format under `run`): the snapshot is
/// then their sum, with every ingester's files.
public final class IngestStats: Sendable {
    private let state = Mutex([ObjectIdentifier: IngestSnapshot]())

    public init() {}

    public var snapshot: IngestSnapshot {
        state.withLock { published in
            var values = Array(published.values)
            guard values.count > 1 else { return values.first ?? IngestSnapshot() }
            var total = values.removeFirst()
            for s in values { total.merge(s) }
            return total
        }
    }

    func publish(_ snapshot: IngestSnapshot, from publisher: AnyObject) {
        state.withLock { $0[ObjectIdentifier(publisher)] = snapshot }
    }
}

extension IngestSnapshot {
    mutating func merge(_ other: IngestSnapshot) {
        filesWatched += other.filesWatched
        bytesRead += other.bytesRead
        lines += other.lines
        records += other.records
        inserted += other.inserted
        duplicates += other.duplicates
        deadLetters += other.deadLetters
        deadLettersByCode.merge(other.deadLettersByCode, uniquingKeysWith: +)
        commits += other.commits
        truncations += other.truncations
        fileErrors += other.fileErrors
        lastCommitMicros = [lastCommitMicros, other.lastCommitMicros].compactMap { $0 }.max()
        commitRetries += other.commitRetries
        pausedSinceMicros = [pausedSinceMicros, other.pausedSinceMicros].compactMap { $0 }.min()
        files += other.files
    }
}
