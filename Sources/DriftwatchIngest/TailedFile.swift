/// One open descriptor the tailer follows.
final class TailedFile {
    let key: FileKey
    /// The path it was last discovered under (a renamed file keeps its descriptor).
    var path: String
    let handle: LogFileHandle
    /// Nil until the first line is complete, and again right after a truncation.
    var identity: FileIdentity?
    /// Present while this descriptor is the one reading its fingerprint.
    var framer: LineFramer?
    /// Size at the last `fstat` (compressed size for gzip).
    var lastSize: UInt64
    var lastModified: Int64
    /// Highest plain-file offset actually read; a file shorter than this was truncated.
    var observedEnd: UInt64 = 0
    /// Whether the last discovery round matched it.
    var matched = true
    var unmatchedRounds = 0
    /// The last read found nothing new.
    var caughtUp = false
    /// Discovery round in which it last produced bytes, for choosing idle files to close.
    var lastActiveRound: Int

    init(key: FileKey, path: String, handle: LogFileHandle, size: UInt64, modified: Int64, round: Int) {
        self.key = key
        self.path = path
        self.handle = handle
        self.lastSize = size
        self.lastModified = modified
        self.lastActiveRound = round
    }
}

/// How far a fingerprint (one file's content, wherever it lives now) has been read.
struct FingerprintProgress {
    var offset: UInt64
    var lines: UInt64
    var path: String
    var key: FileKey
    /// The descriptor reading it now; at most one per fingerprint, so no line is read twice.
    var reader: FileKey?
    /// Changed since the last commit.
    var dirty: Bool
}
