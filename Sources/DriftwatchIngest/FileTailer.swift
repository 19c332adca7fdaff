import DriftwatchCore
import Logging

/// Follows the files matched by a ``FileDiscovery`` through rotation, truncation and compression,
/// handing out complete lines with their offsets.
///
/// Identity and resumption:
/// - A file's identity is its fingerprint (``FileIdentity``: the first line). Progress (offset in the
///   uncompressed stream, line count) is kept per fingerprint, seeded from the sink's checkpoint or 0.
///   Exactly one descriptor reads a fingerprint at a time; every other file with the same fingerprint
///   (the `.gz` of a rotated file, the copy made by copytruncate) is an alias and is left closed
///   until that reader goes away, then continues at the shared offset. So no line is read twice.
/// - A file whose first line is incomplete (and shorter than 1024 bytes) has no identity yet; it is
///   kept open and checked again when it grows.
///
/// Rotation:
/// - Rename-and-create: the descriptor of the renamed file stays open, so it is read to its end even
///   when the globs no longer match it (late writes by a logger that has not reopened yet included).
///   The new file at the old path is another inode with another fingerprint, read from its checkpoint.
/// - Inode reuse is harmless: identity is the content, and a closed file is only skipped while its
///   device, inode, size and mtime are all unchanged.
/// - Copytruncate: the copy is an alias while the original is still long. When the original is seen
///   shorter than what was read (or its first line changed), it is *truncated*: it leaves its
///   fingerprint, discovery runs at once, and the copy (if the globs match it, `.gz` or not) becomes the
///   reader and resumes at the fingerprint's offset. The truncated file gets a new identity once its
///   new first line is complete. Lines written between logrotate's copy and its truncate exist in no
///   file; that loss is inherent to copytruncate.
/// - Gzip is detected by its magic bytes. A `.gz` is read with decompress-and-discard up to the offset.
///   A gzip stream that ended at EOF is complete, so its final unterminated line is consumed; a plain
///   file's unterminated last line is never consumed (its writer may still finish it).
///
/// Descriptors are closed when a file is no longer matched, fully read and idle for
/// ``IngestConfiguration/goneFileGraceRounds`` discovery rounds; when a gzip stream is complete; and,
/// above ``IngestConfiguration/maxOpenFiles``, for the least recently active caught-up files.
final class FileTailer {
    let discovery: FileDiscovery
    let configuration: IngestConfiguration
    private let resume: (String) throws -> FileCheckpoint?
    private let logger: Logger

    private(set) var files: [FileKey: TailedFile] = [:]
    /// Every access goes through ``progress``, which first applies the lines handed out since.
    private var progressStorage: [String: FingerprintProgress] = [:]
    private var progress: [String: FingerprintProgress] {
        get {
            applyPendingLines()
            return progressStorage
        }
        _modify {
            applyPendingLines()
            yield &progressStorage
        }
        set {
            applyPendingLines()
            progressStorage = newValue
        }
    }
    /// Lines handed out by the current read and not yet counted in ``progress``: counting each line
    /// in the dictionary cost a string hash per line (~1.5% of ingest time).
    private var pendingFingerprint: String?
    private var pendingEnd: UInt64 = 0
    private var pendingLines: UInt64 = 0

    private func applyPendingLines() {
        guard pendingLines > 0, let fingerprint = pendingFingerprint else { return }
        let (end, lines) = (pendingEnd, pendingLines)
        pendingLines = 0
        if var p = progressStorage[fingerprint] {
            p.offset = end
            p.lines += lines
            p.dirty = true
            progressStorage[fingerprint] = p
        }
    }
    /// Files closed while still matched: not reopened until their size or mtime changes.
    private var parked: [FileKey: (size: UInt64, modified: Int64)] = [:]
    private var round = 0
    /// Paths the sources' `follow_symlinks`/`allowed_owners` refused, each logged once.
    private var refusedPaths = Set<String>()
    /// Bytes on disk consumed from files closed since, for progress reports.
    private var closedDiskBytes: UInt64 = 0
    private var queue: [FileKey] = []
    /// Set by a truncation: the rotated copy should be looked for before the next read.
    private(set) var needsDiscovery = true

    private(set) var bytesRead: UInt64 = 0
    private(set) var truncations: UInt64 = 0
    private(set) var fileErrors: UInt64 = 0

    init(
        discovery: FileDiscovery,
        configuration: IngestConfiguration,
        logger: Logger,
        resume: @escaping (String) throws -> FileCheckpoint?
    ) {
        self.discovery = discovery
        self.configuration = configuration
        self.logger = logger
        self.resume = resume
    }

    // MARK: Discovery

    /// Expands the globs, opens new files and works out their identity.
    func discover() throws {
        round += 1
        needsDiscovery = false
        var seen = Set<FileKey>()
        let (discovered, refused) = discovery.discoverAdmitted()
        for (path, reason) in refused where refusedPaths.insert(path).inserted {
            // Once per path: discovery runs every second.
            logger.warning("log file refused", metadata: ["path": "\(path)", "reason": "\(reason)"])
        }
        for found in discovered {
            let key = FileKey(device: found.device, inode: found.inode)
            seen.insert(key)
            if let file = files[key] {
                file.path = found.path
                file.matched = true
                file.unmatchedRounds = 0
                continue
            }
            if let p = parked[key], p.size == found.size, p.modified == found.modifiedNanos { continue }
            parked[key] = nil
            try open(found)
        }
        for file in files.values where !seen.contains(file.key) {
            file.matched = false
            file.unmatchedRounds += 1
        }
        parked = parked.filter { seen.contains($0.key) }
    }

    private func open(_ found: DiscoveredFile) throws {
        let file: TailedFile
        do {
            let handle = try LogFileHandle(path: found.path)
            let st = try handle.stat()
            let key = FileKey(device: st.device, inode: st.inode)
            guard files[key] == nil else { return }  // replaced between glob and open, already followed
            file = TailedFile(key: key, path: found.path, handle: handle, size: st.size, modified: st.modifiedNanos, round: round)
        } catch {
            logger.debug("cannot open log file", metadata: ["path": "\(found.path)", "error": "\(error)"])
            return
        }
        files[file.key] = file
        try resolveIdentity(file)
    }

    /// Reads the head of a file without identity; attaches it to its fingerprint once the first line is complete.
    private func resolveIdentity(_ file: TailedFile) throws {
        let head: [UInt8]
        do {
            guard try file.handle.detectKind() != nil else { return }
            head = try file.handle.head(FileIdentity.maxBytes + 1)
        } catch {
            fail(file, error)
            return
        }
        guard let identity = FileIdentity(head: head) else { return }
        file.identity = identity
        try attach(file, identity.fingerprint)
    }

    /// Makes `file` the reader of `fingerprint` unless another descriptor already is.
    private func attach(_ file: TailedFile, _ fingerprint: String) throws {
        let start: UInt64
        if var p = progress[fingerprint] {
            if let reader = p.reader, reader != file.key, files[reader] != nil {
                logger.trace("alias of a file being read", metadata: ["path": "\(file.path)", "fingerprint": "\(fingerprint)"])
                close(file, park: false)
                return
            }
            p.reader = file.key
            p.path = file.path
            p.key = file.key
            progress[fingerprint] = p
            start = p.offset
        } else {
            let checkpoint = try resume(fingerprint)
            start = checkpoint?.offset ?? 0
            progress[fingerprint] = FingerprintProgress(
                offset: start, lines: checkpoint?.lines ?? 0, path: file.path, key: file.key, reader: file.key, dirty: false
            )
        }
        file.handle.seek(to: start)
        file.framer = LineFramer(startOffset: start, maxLineBytes: configuration.maxLineBytes)
        file.caughtUp = false
        logger.debug("following log file", metadata: [
            "path": "\(file.path)", "fingerprint": "\(fingerprint)", "offset": "\(start)", "gzip": "\(file.handle.isGzip)",
        ])
    }

    // MARK: Reading

    /// Checks every open file for growth, truncation and newly complete first lines, and queues the
    /// ones with something to read.
    func refresh() throws {
        queue.removeAll(keepingCapacity: true)
        for file in files.values.sorted(by: { $0.path < $1.path }) {
            let st: LogFileStat
            do { st = try file.handle.stat() } catch { fail(file, error); continue }
            let changed = st.size != file.lastSize || st.modifiedNanos != file.lastModified
            if let identity = file.identity {
                if file.handle.kind == .plain, changed {
                    let shrunk = st.size < max(file.lastSize, file.observedEnd)
                    var replaced = false
                    if !shrunk {
                        do { replaced = !identity.matches(head: try file.handle.head(FileIdentity.maxBytes + 1)) } catch { fail(file, error); continue }
                    }
                    if shrunk || replaced {
                        file.lastSize = st.size
                        file.lastModified = st.modifiedNanos
                        try truncated(file, identity.fingerprint, newSize: st.size)
                        continue
                    }
                }
            } else if changed || file.handle.kind == nil {
                file.lastSize = st.size
                file.lastModified = st.modifiedNanos
                try resolveIdentity(file)
            }
            file.lastSize = st.size
            file.lastModified = st.modifiedNanos
            guard file.framer != nil, files[file.key] != nil else { continue }
            let hasMore: Bool
            switch file.handle.kind {
            case .plain: hasMore = st.size > file.handle.position
            case .gzip: hasMore = !file.handle.complete || changed || !file.caughtUp
            case nil: hasMore = false
            }
            if hasMore { queue.append(file.key) } else { file.caughtUp = true }
        }
    }

    /// The file no longer continues the content it was identified by.
    private func truncated(_ file: TailedFile, _ fingerprint: String, newSize: UInt64) throws {
        let consumed = progress[fingerprint]?.offset ?? 0
        let seen = max(file.observedEnd, consumed)
        truncations += 1
        logger.notice("log file truncated", metadata: [
            "path": "\(file.path)", "fingerprint": "\(fingerprint)", "offset": "\(consumed)",
            "unread_bytes": "\(seen - consumed)", "new_size": "\(newSize)",
        ])
        if progress[fingerprint]?.reader == file.key { progress[fingerprint]?.reader = nil }
        file.identity = nil
        file.framer = nil
        file.observedEnd = 0
        needsDiscovery = true
        try resolveIdentity(file)
    }

    /// Reads one chunk from the next queued file and frames it, calling `emit` for every line.
    /// Returns false when every file is caught up.
    func readNext(
        into buffer: UnsafeMutableRawBufferPointer,
        _ emit: (_ fingerprint: String, _ path: String, LineEvent) throws -> Void
    ) throws -> Bool {
        while let key = queue.first {
            guard let file = files[key], var framer = file.framer, let fingerprint = file.identity?.fingerprint else {
                queue.removeFirst()
                continue
            }
            let result: LogFileHandle.ReadResult
            do { result = try file.handle.read(into: buffer) } catch {
                queue.removeFirst()
                fail(file, error)
                continue
            }
            file.framer = nil
            let path = file.path
            pendingFingerprint = fingerprint
            defer {
                applyPendingLines()
                pendingFingerprint = nil
                file.framer = framer
                // Trailing empty lines advance the offset without an event.
                if var p = progress[fingerprint], p.reader == key, p.offset != framer.consumedOffset {
                    p.offset = framer.consumedOffset
                    p.dirty = true
                    progress[fingerprint] = p
                }
            }
            // Progress moves with every line, so a commit made from inside `emit` covers exactly
            // the lines handed out so far.
            let deliver = { (event: LineEvent) throws in
                self.pendingEnd = event.end
                self.pendingLines += 1
                try emit(fingerprint, path, event)
            }
            if result.count > 0 {
                bytesRead += UInt64(result.count)
                if file.handle.kind == .plain { file.observedEnd = max(file.observedEnd, file.handle.position) }
                try framer.feed(UnsafeRawBufferPointer(rebasing: buffer[..<result.count]), deliver)
            }
            if result.count == 0 && file.handle.complete {
                try framer.finish(deliver)
            }
            if result.progressed {
                file.caughtUp = false
                file.lastActiveRound = round
                queue.removeFirst()
                queue.append(key)  // round robin between files with backlogs
            } else {
                file.caughtUp = true
                queue.removeFirst()
            }
            return true
        }
        return false
    }

    // MARK: Closing

    /// Closes gone, complete and surplus descriptors.
    func closeIdle() {
        for file in files.values {
            if file.handle.complete, file.caughtUp, file.framer != nil {
                close(file, park: true)  // a finished gzip stream
            } else if !file.matched, file.unmatchedRounds >= configuration.goneFileGraceRounds,
                      round - file.lastActiveRound >= configuration.goneFileGraceRounds, file.framer == nil || isFullyRead(file) {
                // Gone, read, and no longer growing: a deleted file whose writer still appends stays open (its lines
                // exist nowhere else) until it has been quiet for the grace rounds.
                logger.debug("closing file that is gone and read", metadata: ["path": "\(file.path)"])
                close(file, park: false)
            }
        }
        if files.count > configuration.maxOpenFiles {
            let idle = files.values
                .filter { $0.matched && ($0.framer == nil || isFullyRead($0)) }
                .sorted { $0.lastActiveRound < $1.lastActiveRound }
            for file in idle.prefix(files.count - configuration.maxOpenFiles) {
                close(file, park: true)
            }
        }
        // Committed progress without a reader can be reloaded from the sink when needed.
        progress = progress.filter { $0.value.reader != nil || $0.value.dirty }
    }

    /// Nothing left to read right now, checked against the file rather than the last read.
    private func isFullyRead(_ file: TailedFile) -> Bool {
        switch file.handle.kind {
        case .gzip: return file.handle.complete && file.caughtUp
        case .plain: return (try? file.handle.stat().size).map { $0 <= file.handle.position } ?? true
        case nil: return true
        }
    }

    private func close(_ file: TailedFile, park: Bool) {
        files[file.key] = nil
        closedDiskBytes += min(file.handle.diskPosition, file.lastSize)
        if let fingerprint = file.identity?.fingerprint, progress[fingerprint]?.reader == file.key {
            progress[fingerprint]?.reader = nil
        }
        if park { parked[file.key] = (file.lastSize, file.lastModified) }
    }

    private func fail(_ file: TailedFile, _ error: any Error) {
        fileErrors += 1
        logger.warning("cannot read log file", metadata: ["path": "\(file.path)", "error": "\(error)"])
        close(file, park: true)
    }

    /// Closes every descriptor (the progress stays).
    func closeAll() {
        for file in files.values { close(file, park: false) }
    }

    // MARK: Checkpoints and status

    /// Checkpoints of every fingerprint that advanced since the last commit.
    func dirtyCheckpoints(nowMicros: Int64) -> [FileCheckpoint] {
        progress.filter(\.value.dirty).map { fingerprint, p in
            let path = p.reader.flatMap { files[$0]?.path } ?? p.path
            return FileCheckpoint(
                fingerprint: fingerprint, path: path, offset: p.offset, device: p.key.device, inode: p.key.inode,
                lines: p.lines, updatedAtMicros: nowMicros
            )
        }.sorted { $0.path < $1.path }
    }

    /// The checkpoints handed out by ``dirtyCheckpoints(nowMicros:)`` are durable now.
    func markCommitted(_ checkpoints: [FileCheckpoint]) {
        for checkpoint in checkpoints where progress[checkpoint.fingerprint]?.offset == checkpoint.offset {
            progress[checkpoint.fingerprint]?.dirty = false
        }
    }

    /// Bytes of the files on disk consumed so far (compressed for gzip; closed files included), and
    /// the total size of the open files plus what was consumed of closed ones.
    var diskProgress: (done: UInt64, total: UInt64) {
        files.values.reduce(into: (closedDiskBytes, closedDiskBytes)) { acc, file in
            acc.0 += min(file.handle.diskPosition, file.lastSize)
            acc.1 += file.lastSize
        }
    }

    /// Files whose unterminated last line is waiting for its newline.
    var filesWithPartialLine: [String] {
        files.values.filter { ($0.framer?.pendingBytes ?? 0) > 0 }.map(\.path).sorted()
    }

    /// Files whose first line is not complete yet.
    var filesWithoutIdentity: [String] {
        files.values.filter { $0.identity == nil }.map(\.path).sorted()
    }

    func statuses() -> [FileStatus] {
        files.values.map { file in
            let fingerprint = file.identity?.fingerprint
            let offset = fingerprint.flatMap { progress[$0]?.offset } ?? 0
            let isGzip = file.handle.isGzip
            let lag: UInt64? = isGzip ? (file.handle.complete ? 0 : nil) : (file.lastSize > offset ? file.lastSize - offset : 0)
            return FileStatus(
                path: file.path, fingerprint: fingerprint, device: file.key.device, inode: file.key.inode,
                offset: offset, size: isGzip ? nil : file.lastSize, lagBytes: lag, isGzip: isGzip
            )
        }.sorted { $0.path < $1.path }
    }
}
