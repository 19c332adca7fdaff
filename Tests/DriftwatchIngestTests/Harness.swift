import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A temp directory, an in-memory sink and pipelines over them.
final class Harness {
    let dir = TemporaryDirectory(prefix: "dw-ingest")
    let sink = InMemoryIngestSink()
    var configuration: IngestConfiguration

    init(_ configuration: IngestConfiguration = IngestConfiguration(goneFileGraceRounds: 0)) {
        self.configuration = configuration
    }

    func path(_ name: String) -> String { dir.file(name) }

    func writer(_ name: String = "app.log", idPrefix: String = "req") -> LogWriter {
        LogWriter(path: path(name), idPrefix: idPrefix)
    }

    func pipeline(_ patterns: String...) -> IngestPipeline {
        IngestPipeline(patterns: patterns.map { dir.file($0) }, sink: sink, configuration: configuration)
    }

    /// Asserts the sink holds exactly `expected` (as a set) and nothing was offered twice.
    func expectStoredExactlyOnce(_ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let stored = sink.requestIDs
        #expect(Set(stored) == Set(expected), "missing: \(Set(expected).subtracting(stored).sorted()), extra: \(Set(stored).subtracting(expected).sorted())", sourceLocation: sourceLocation)
        #expect(stored.count == expected.count, sourceLocation: sourceLocation)
        #expect(sink.duplicateCount == 0, "a line was read twice", sourceLocation: sourceLocation)
    }
}

/// Renames with rename(2), as logrotate does.
func renameFile(_ from: String, _ to: String) {
    precondition(rename(from, to) == 0, "rename failed: \(String(cString: strerror(errno)))")
}

func truncateFile(_ path: String, to size: Int = 0) {
    precondition(truncate(path, off_t(size)) == 0, "truncate failed: \(String(cString: strerror(errno)))")
}

func removeFile(_ path: String) {
    precondition(unlink(path) == 0, "unlink failed: \(String(cString: strerror(errno)))")
}

/// Copies a file byte for byte (what copytruncate does before truncating).
func copyFile(_ from: String, _ to: String) throws {
    try ProcessRunner.run("/bin/cp", [from, to])
}

func inode(_ path: String) -> UInt64? {
    FileDiscovery.statRegular(path)?.inode
}
