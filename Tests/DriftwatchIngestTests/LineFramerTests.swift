import Testing
@testable import DriftwatchIngest

@Suite struct LineFramerTests {
    enum Framed: Equatable {
        case line(UInt64, String)
        case oversized(UInt64, UInt64, Int)
    }

    /// Feeds `text` in chunks of `chunk` bytes and collects the events.
    func frame(_ text: String, chunk: Int, max: Int = 1 << 20, finish: Bool = false) -> (events: [Framed], consumed: UInt64, pending: UInt64) {
        var framer = LineFramer(startOffset: 0, maxLineBytes: max)
        var events: [Framed] = []
        let collect = { (event: LineEvent) in
            switch event {
            case .line(let offset, let end, let bytes):
                events.append(.line(offset, String(decoding: bytes, as: UTF8.self)))
                _ = end
            case .oversized(let offset, let length, _, let prefix):
                events.append(.oversized(offset, length, prefix.count))
            }
        }
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let part = Array(bytes[i..<min(bytes.count, i + chunk)])
            part.withUnsafeBytes { framer.feed($0, collect) }
            i += chunk
        }
        if finish { framer.finish(collect) }
        return (events, framer.consumedOffset, framer.pendingBytes)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 64, 4096])
    func splitsLinesAcrossAnyChunking(chunk: Int) {
        let r = frame("alpha\nbeta\r\n\n\ngamma\npartial", chunk: chunk)
        #expect(r.events == [.line(0, "alpha"), .line(6, "beta"), .line(14, "gamma")])
        #expect(r.consumed == 20, "empty lines advance the offset")
        #expect(r.pending == 7, "the partial line is not consumed")
    }

    @Test func finishConsumesTheUnterminatedLine() {
        let r = frame("a\nlast", chunk: 3, finish: true)
        #expect(r.events == [.line(0, "a"), .line(2, "last")])
        #expect(r.consumed == 6)
    }

    @Test(arguments: [1, 7, 100, 10_000])
    func oversizedLinesAreSkippedToTheirNewline(chunk: Int) {
        let long = String(repeating: "x", count: 5000)
        let r = frame("ok\n\(long)\nnext\n\(long)", chunk: chunk, max: 100)
        #expect(r.events == [.line(0, "ok"), .oversized(3, 5000, 4096), .line(5004, "next")])
        #expect(r.consumed == 5009)
        #expect(r.pending == 5000, "an oversized line without newline waits, unconsumed")
    }

    @Test func lineExactlyAtTheLimitIsKept() {
        let r = frame("abcd\nabcde\n", chunk: 2, max: 4)
        #expect(r.events == [.line(0, "abcd"), .oversized(5, 5, 5)])
    }
}
