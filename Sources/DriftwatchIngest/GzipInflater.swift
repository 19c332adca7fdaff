import CZlib
import DriftwatchCore

/// Streaming gzip decompression of a file descriptor, multi-member, that tolerates a file still
/// being written (it waits for more input rather than failing).
///
/// The `z_stream` lives at a fixed heap address because zlib keeps a pointer back to it.
final class GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// Compressed bytes read from the descriptor so far.
    private(set) var compressedOffset: UInt64 = 0
    /// A member ended and nothing followed it yet: if the file is at EOF, the stream is complete.
    private var memberEnded = false
    /// At least one member was decompressed completely (trailing garbage after it is ignored, as gzip does).
    private var anyMemberEnded = false

    init(inputCapacity: Int = 256 * 1024) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: inputCapacity, alignment: 16)
        let rc = inflateInit2_(stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw DriftwatchError(.io, "zlib inflateInit2 failed with code \(rc)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// What one ``read(fd:into:)`` produced.
    struct Result {
        var count: Int
        /// The descriptor is at EOF right after a complete member: the stream is complete (for now).
        var complete: Bool
        /// Compressed input was consumed even if no output came out.
        var progressed: Bool
    }

    /// Decompresses into `out` from the descriptor at ``compressedOffset`` (pread, so renames and
    /// other readers do not matter).
    func read(fd: Int32, into out: UnsafeMutableRawBufferPointer, path: String) throws -> Result {
        guard let outBase = out.baseAddress, out.count > 0 else { return Result(count: 0, complete: false, progressed: false) }
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(out.count, Int(UInt32.max)))
        var progressed = false
        var atEOF = false
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 {
                let n = pread(fd, input.baseAddress, input.count, off_t(compressedOffset))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DriftwatchError(.io, "reading \(path): \(String(cString: strerror(errno)))")
                }
                if n == 0 {
                    atEOF = true
                    break
                }
                compressedOffset += UInt64(n)
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(n)
                progressed = true
            }
            if memberEnded {
                inflateReset(stream)
                memberEnded = false
            }
            let rc = inflate(stream, Z_NO_FLUSH)
            switch rc {
            case Z_STREAM_END:
                memberEnded = true
                anyMemberEnded = true
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either output is full (loop ends) or input is needed.
                if stream.pointee.avail_in != 0 { break }
            default:
                if anyMemberEnded, stream.pointee.total_out == 0 {
                    // Trailing garbage (e.g. zero padding) after a complete member: gzip ignores it too.
                    stream.pointee.avail_in = 0
                    memberEnded = true
                    _ = try drainToEOF(fd: fd)
                    atEOF = true
                    break
                }
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw DriftwatchError(.io, "decompressing \(path) at compressed byte \(compressedOffset): \(message)")
            }
            if atEOF { break }
        }
        let produced = out.count - Int(stream.pointee.avail_out)
        return Result(count: produced, complete: atEOF && memberEnded && stream.pointee.avail_in == 0, progressed: progressed || produced > 0)
    }

    /// Skips the rest of the compressed file (used for trailing garbage).
    private func drainToEOF(fd: Int32) throws -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DriftwatchError(.io, "fstat failed: \(String(cString: strerror(errno)))") }
        compressedOffset = max(compressedOffset, UInt64(st.st_size))
        return compressedOffset
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
