import CZlib

/// Inflates a gzip (or zlib) request body with a cap on the output, so a small compressed body
/// cannot expand into an unbounded allocation.
enum GzipInflater {
    enum Failure: Error, Equatable {
        case corrupt(String)
        case tooLarge
    }

    static func inflate(_ input: [UInt8], maxOutput: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32: detect a gzip or zlib header automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let count = input.count
        let result: Result<[UInt8], Failure> = input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuf.count - Int(stream.avail_out))
                }
                if output.count + produced > maxOutput { return .failure(.tooLarge) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // A gzip file may hold several members back to back (RFC 1952 §2.2): inflate them all.
                    guard stream.avail_in > 0 else { return .success(output) }
                    guard inflateReset(&stream) == Z_OK else { return .failure(.corrupt("invalid gzip body: reset failed")) }
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 { return .failure(.corrupt("gzip body ends early")) }
                case Z_BUF_ERROR:
                    return .failure(.corrupt("gzip body ends early"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    return .failure(.corrupt("invalid gzip body: \(message)"))
                }
            }
        }
        return try result.get()
    }
}
