#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DriftwatchCore
import DriftwatchGzip

private typealias CStat = stat

/// What `fstat(2)` says about an open log file.
struct LogFileStat {
    var device: UInt64
    var inode: UInt64
    var size: UInt64
    var links: UInt64
    var modifiedNanos: Int64
}

/// An open log file read as an uncompressed byte stream, plain or gzip.
///
/// Positions are always in the uncompressed stream. Plain files are read with `pread`, so the
/// descriptor keeps working after the file is renamed or unlinked. A gzip file cannot seek: resuming
/// at offset N decompresses and discards N bytes, incrementally, inside ``read(into:)``.
final class LogFileHandle {
    enum Kind { case plain, gzip }

    let fd: Int32
    let path: String
    /// Decided from the magic bytes once the file has at least two bytes.
    private(set) var kind: Kind?
    private var inflater: GzipInflater?
    /// Uncompressed bytes delivered (or deliberately skipped) so far: the next byte's offset.
    private(set) var position: UInt64 = 0
    /// Offset below which gzip output is discarded (resume point).
    private var skipTo: UInt64 = 0
    /// A gzip stream was read to a member end at EOF.
    private(set) var complete = false

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DriftwatchError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    var isGzip: Bool { kind == .gzip }

    /// Bytes of the file on disk consumed so far (compressed bytes for gzip), for progress reports.
    var diskPosition: UInt64 {
        kind == .gzip ? inflater?.compressedOffset ?? 0 : position
    }

    func stat() throws -> LogFileStat {
        var st = CStat()
        guard fstat(fd, &st) == 0 else {
            throw DriftwatchError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        return LogFileStat(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: UInt64(st.st_size),
            links: UInt64(st.st_nlink),
            modifiedNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        )
    }

    /// Decides plain or gzip from the magic bytes `1f 8b`; nil while the file is too short to tell.
    func detectKind() throws -> Kind? {
        if let kind { return kind }
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        if n < 0 { throw DriftwatchError(.io, "reading \(path): \(String(cString: strerror(errno)))") }
        if n == 0 || (n == 1 && magic.0 == 0x1F) { return nil }
        kind = (n == 2 && magic.0 == 0x1F && magic.1 == 0x8B) ? .gzip : .plain
        if kind == .gzip { inflater = try GzipInflater() }
        return kind
    }

    /// The first `count` bytes of the uncompressed stream (fewer if the file is shorter), read
    /// without moving the reading position.
    func head(_ count: Int) throws -> [UInt8] {
        guard let kind = try detectKind() else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        switch kind {
        case .plain:
            while filled < count {
                let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, count - filled, off_t(filled)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DriftwatchError(.io, "reading \(path): \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                filled += n
            }
        case .gzip:
            let probe = try GzipInflater(inputCapacity: 16 * 1024)
            while filled < count {
                let r = try out.withUnsafeMutableBytes { (buf) throws in
                    try self.inflate(probe, into: UnsafeMutableRawBufferPointer(rebasing: buf[filled...]))
                }
                filled += r.count
                if r.complete || !r.progressed { break }
            }
        }
        out.removeSubrange(filled...)
        return out
    }

    /// Continues at `offset` of the uncompressed stream (gzip: by discarding up to it on the next reads).
    func seek(to offset: UInt64) {
        if kind == .gzip {
            precondition(position == 0, "gzip streams are resumed once, from the start")
            skipTo = offset
        } else {
            position = offset
        }
    }

    /// True while a gzip stream is still being skipped up to its resume point.
    var isSkipping: Bool { kind == .gzip && position < skipTo && !complete }

    /// One read from ``position``.
    struct ReadResult {
        var count: Int
        /// Bytes were read or skipped, so calling again may produce more.
        var progressed: Bool
    }

    /// Reads the next bytes of the uncompressed stream into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> ReadResult {
        guard let kind = try detectKind() else { return ReadResult(count: 0, progressed: false) }
        switch kind {
        case .plain:
            while true {
                let n = pread(fd, buffer.baseAddress, buffer.count, off_t(position))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DriftwatchError(.io, "reading \(path): \(String(cString: strerror(errno)))")
                }
                position += UInt64(n)
                return ReadResult(count: n, progressed: n > 0)
            }
        case .gzip:
            guard let inflater else { return ReadResult(count: 0, progressed: false) }
            var progressed = false
            while true {
                let r = try inflate(inflater, into: buffer)
                progressed = progressed || r.progressed
                complete = r.complete
                let start = position
                position += UInt64(r.count)
                if start >= skipTo {
                    return ReadResult(count: r.count, progressed: progressed)
                }
                if position > skipTo {
                    // Keep only the part after the resume point.
                    let keep = Int(position - skipTo)
                    let base = buffer.baseAddress!
                    memmove(base, base + (r.count - keep), keep)
                    return ReadResult(count: keep, progressed: true)
                }
                // Everything was before the resume point: keep skipping while input lasts.
                if r.count == 0 || r.complete {
                    return ReadResult(count: 0, progressed: progressed)
                }
            }
        }
    }

    /// One ``GzipInflater`` read from this file at the inflater's compressed offset (`pread`, so renames
    /// and other readers do not matter); errors name the file.
    private func inflate(_ inflater: GzipInflater, into out: UnsafeMutableRawBufferPointer) throws -> GzipInflater.Result {
        let fd = fd, path = path
        do {
            return try inflater.read(into: out) { input, offset in
                while true {
                    let n = pread(fd, input.baseAddress, input.count, off_t(offset))
                    if n >= 0 { return n }
                    if errno != EINTR { throw DriftwatchError(.io, "reading \(path): \(String(cString: strerror(errno)))") }
                }
            }
        } catch let error as GzipError {
            throw DriftwatchError(.io, "decompressing \(path): \(error.message)")
        }
    }
}
