public import DriftwatchCore
public import Logging

/// Progress of a backfill, reported after every commit.
public struct BackfillProgress: Sendable, Equatable {
    public var records: UInt64
    public var deadLetters: UInt64
    /// Bytes of the files on disk consumed (compressed bytes for gzip), comparable to ``totalBytes``.
    public var bytes: UInt64
    public var totalBytes: UInt64
    public var elapsed: Duration

    public var recordsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(records) / seconds : 0
    }

    /// Estimated time left at the current byte rate, nil before any progress.
    public var estimatedRemaining: Duration? {
        guard bytes > 0, totalBytes >= bytes else { return nil }
        return elapsed * (Double(totalBytes - bytes) / Double(bytes))
    }
}

/// What a backfill did.
public struct BackfillResult: Sendable, Equatable {
    public var files: Int
    /// Records decoded (stored or duplicate).
    public var records: UInt64
    public var inserted: UInt64
    public var duplicates: UInt64
    public var deadLetters: UInt64
    /// Uncompressed bytes read.
    public var bytesRead: UInt64
    public var elapsed: Duration
    /// Plain files ending in a line without newline: that line is left for a later run, as a tailer would.
    public var filesWithPartialLastLine: [String]
    /// Files not read because their first line is incomplete (no identity yet).
    public var filesWithoutIdentity: [String]
    /// Files that could not be read.
    public var fileErrors: UInt64
    /// Files more than half of whose first lines (up to 1,000) were dead-lettered.
    public var mostlyDeadLettered: [DeadLetterWarning] = []
}

extension IngestPipeline {
    /// Reads the given files (plain or gzip, not glob patterns) to their end from their checkpoints,
    /// commits, and returns; `progress` is called after every commit.
    public static func backfill(
        paths: [String],
        sink: any IngestSink,
        configuration: IngestConfiguration = IngestConfiguration(),
        logger: Logger = Logger(label: "driftwatch.ingest"),
        lineDecoder: (any RecordLineDecoder)? = nil,
        progress: ((BackfillProgress) -> Void)? = nil
    ) throws -> BackfillResult {
        for path in paths where FileDiscovery.statRegular(path) == nil {
            throw DriftwatchError(.invalidArgument, "\(path): not a readable regular file")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let pipeline = IngestPipeline(
            discovery: FileDiscovery(literalPaths: paths), sink: sink, configuration: configuration, logger: logger,
            lineDecoder: lineDecoder
        )
        try pipeline.discover()
        let files = pipeline.snapshot.filesWatched
        let total = pipeline.diskProgress.total
        var done: UInt64 = 0
        if let progress {
            pipeline.afterCommit = { [unowned pipeline] in
                let s = pipeline.snapshot
                done = max(done, pipeline.diskProgress.done)
                progress(BackfillProgress(records: s.records, deadLetters: s.deadLetters, bytes: done, totalBytes: total, elapsed: clock.now - start))
            }
        }
        while true {
            let summary = try pipeline.pollOnce(discover: false)
            if summary.lines == 0 && summary.bytes == 0 { break }
        }
        pipeline.afterCommit = nil
        pipeline.judgeDeadLetterShares()
        let s = pipeline.snapshot
        progress?(BackfillProgress(records: s.records, deadLetters: s.deadLetters, bytes: total, totalBytes: total, elapsed: clock.now - start))
        return BackfillResult(
            files: files, records: s.records, inserted: s.inserted, duplicates: s.duplicates, deadLetters: s.deadLetters,
            bytesRead: s.bytesRead, elapsed: clock.now - start,
            filesWithPartialLastLine: pipeline.filesWithPartialLine, filesWithoutIdentity: pipeline.filesWithoutIdentity,
            fileErrors: s.fileErrors, mostlyDeadLettered: pipeline.mostlyDeadLettered
        )
    }
}

extension TailerService {
    /// One-shot ingestion of `paths` to their end; see ``IngestPipeline/backfill(paths:sink:configuration:logger:progress:)``.
    public static func backfill(
        paths: [String],
        sink: any IngestSink,
        configuration: IngestConfiguration = IngestConfiguration(),
        logger: Logger = Logger(label: "driftwatch.ingest"),
        progress: ((BackfillProgress) -> Void)? = nil
    ) throws -> BackfillResult {
        try IngestPipeline.backfill(paths: paths, sink: sink, configuration: configuration, logger: logger, progress: progress)
    }
}
