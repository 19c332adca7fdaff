import CZlib

/// The one gzip inflater: streaming, multi-member (RFC 1952 §2.2), used by the tailer for `.gz` logs that
/// may still be growing and by the OTLP receiver for `Content-Encoding: gzip` bodies.
///
/// Input comes from a `source` the caller passes to each ``read(into:source:)``: the tailer reads its
/// file with `pread` at ``compressedOffset``, so a file still being written just yields no input for now
/// (``Result/complete`` stays false) instead of an error. Bytes after a complete member that are not
/// another member (zero padding) are ignored, as gzip(1) does.
///
/// The `z_stream` lives at a fixed heap address because zlib keeps a pointer back to it.
public final class GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// Compressed bytes taken from the source so far: where the next source read starts.
    public private(set) var compressedOffset: UInt64 = 0
    /// A member ended and nothing followed it yet: if the source is at its end, the stream is complete.
    private var memberEnded = false
    /// At least one member was decompressed completely.
    private var anyMemberEnded = false
    /// What follows the last member is not gzip: the rest of the source is skipped.
    private var skippingTrailer = false

    /// `acceptZlib`: also take a zlib (RFC 1950) stream, as HTTP clients may send for `gzip`.
    public init(inputCapacity: Int = 256 * 1024, acceptZlib: Bool = false) throws(GzipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: inputCapacity, alignment: 16)
        // 16 + window bits: gzip only; 32 + window bits: detect gzip or zlib from the header.
        let rc = inflateInit2_(stream, (acceptZlib ? 32 : 16) + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw GzipError(.corrupt, "zlib inflateInit2 failed with code \(rc)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// What one ``read(into:source:)`` produced.
    public struct Result: Sendable {
        public var count: Int
        /// The source is at its end right after a complete member: the stream is complete (for now).
        public var complete: Bool
        /// Compressed input was consumed even if no output came out.
        public var progressed: Bool
    }

    /// Decompresses into `out`. `source(buffer, offset)` fills `buffer` with compressed bytes from
    /// `offset` on and returns how many (0: none for now).
    public func read(
        into out: UnsafeMutableRawBufferPointer,
        source: (UnsafeMutableRawBufferPointer, UInt64) throws -> Int
    ) throws -> Result {
        guard let outBase = out.baseAddress, out.count > 0 else { return Result(count: 0, complete: false, progressed: false) }
        if skippingTrailer {
            var progressed = false
            while true {
                let n = try source(input, compressedOffset)
                if n == 0 { return Result(count: 0, complete: true, progressed: progressed) }
                compressedOffset += UInt64(n)
                progressed = true
            }
        }
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(out.count, Int(UInt32.max)))
        var progressed = false
        var atEnd = false
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 {
                let n = try source(input, compressedOffset)
                if n == 0 {
                    atEnd = true
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
            let rc = CZlib.inflate(stream, Z_NO_FLUSH)
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
                    skippingTrailer = true
                    let rest = try read(into: out, source: source)
                    return Result(count: out.count - Int(stream.pointee.avail_out), complete: rest.complete, progressed: true)
                }
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw GzipError(.corrupt, "invalid gzip data at compressed byte \(compressedOffset): \(message)")
            }
        }
        let produced = out.count - Int(stream.pointee.avail_out)
        return Result(count: produced, complete: atEnd && memberEnded && stream.pointee.avail_in == 0, progressed: progressed || produced > 0)
    }

    /// Inflates a whole gzip (or zlib) body with a cap on the output, so a small compressed body cannot
    /// expand into an unbounded allocation.
    public static func inflate(_ body: [UInt8], maxOutput: Int) throws(GzipError) -> [UInt8] {
        do {
            let inflater = try GzipInflater(inputCapacity: 64 * 1024, acceptZlib: true)
            var output: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let source = { (buffer: UnsafeMutableRawBufferPointer, offset: UInt64) -> Int in
                let start = Int(min(offset, UInt64(body.count)))
                let n = min(buffer.count, body.count - start)
                body.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: n) }
                return n
            }
            while true {
                let r = try chunk.withUnsafeMutableBytes { try inflater.read(into: $0, source: source) }
                if output.count + r.count > maxOutput { throw GzipError(.tooLarge, "decompressed body exceeds \(maxOutput) bytes") }
                output.append(contentsOf: chunk[0..<r.count])
                if r.complete { return output }
                if r.count == 0 && !r.progressed { throw GzipError(.truncated, "gzip body ends early") }
            }
        } catch let error as GzipError {
            throw error
        } catch {
            throw GzipError(.corrupt, "\(error)")
        }
    }
}

/// A gzip stream that cannot be inflated.
public struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// Not gzip, or damaged.
        public static let corrupt = Code("corrupt")
        /// The input ended inside a member.
        public static let truncated = Code("truncated")
        /// The output would pass the caller's limit.
        public static let tooLarge = Code("too_large")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
