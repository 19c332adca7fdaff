import DriftwatchTesting
import DriftwatchGzip
import Testing

/// The one inflater serves a growing file (the tailer) and a whole body (the OTLP receiver).
@Suite struct GzipInflaterTests {
    static let text: [UInt8] = Array((0..<5_000).map { "line \($0) of a request log\n" }.joined().utf8)

    @Test("several members back to back inflate to their concatenation")
    func multiMember() throws {
        let half = Self.text.count / 2
        let body = gzip(Array(Self.text[..<half])) + gzip(Array(Self.text[half...]))
        #expect(try GzipInflater.inflate(body, maxOutput: 1 << 20) == Self.text)
    }

    @Test("zero padding after a complete member is ignored, as gzip(1) does")
    func trailingPadding() throws {
        let body = gzip(Self.text) + [UInt8](repeating: 0, count: 512)
        #expect(try GzipInflater.inflate(body, maxOutput: 1 << 20) == Self.text)
    }

    @Test("a body cut inside a member is truncated; garbage is corrupt; a bomb is too large")
    func failures() {
        let body = gzip(Self.text)
        #expect(throws: GzipError.self) { try GzipInflater.inflate(Array(body.dropLast(9)), maxOutput: 1 << 20) }
        do throws(GzipError) {
            _ = try GzipInflater.inflate(Array(body.prefix(body.count / 2)), maxOutput: 1 << 20)
            Issue.record("a truncated body inflated")
        } catch {
            #expect(error.code == .truncated, "\(error)")
        }
        do throws(GzipError) {
            _ = try GzipInflater.inflate([0x1F, 0x8B, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], maxOutput: 1 << 20)
            Issue.record("garbage inflated")
        } catch {
            #expect(error.code == .corrupt, "\(error)")
        }
        do throws(GzipError) {
            _ = try GzipInflater.inflate(gzip([UInt8](repeating: 0x20, count: 1 << 20)), maxOutput: 64 * 1024)
            Issue.record("a bomb inflated")
        } catch {
            #expect(error.code == .tooLarge, "\(error)")
        }
    }

    @Test("a source that grows: no error while input is missing, complete once the member ends")
    func growingSource() throws {
        let body = gzip(Self.text) + gzip(Array("tail\n".utf8))
        var available = body.count / 3
        let inflater = try GzipInflater(inputCapacity: 1024)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        func drain() throws -> Bool {
            while true {
                let r = try buffer.withUnsafeMutableBytes { raw in
                    try inflater.read(into: raw) { input, offset in
                        let start = Int(offset)
                        let n = min(input.count, max(0, available - start))
                        body.withUnsafeBytes { input.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: n) }
                        return n
                    }
                }
                out += buffer[0..<r.count]
                if r.complete { return true }
                if r.count == 0 && !r.progressed { return false }
            }
        }
        #expect(try drain() == false)
        #expect(out.count < Self.text.count)
        #expect(Array(Self.text.prefix(out.count)) == out)
        available = body.count
        #expect(try drain() == true)
        #expect(out == Self.text + Array("tail\n".utf8))
        #expect(inflater.compressedOffset == UInt64(body.count))
    }
}
