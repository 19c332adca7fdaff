public import DriftwatchDrift
import DriftwatchCore
import Foundation

/// Drift between two JSON Lines files, without a store: the reference file is the baseline, the
/// current file the current window. Lines are streamed in chunks (files larger than memory are
/// fine) and counted exactly as under `run`; the windows are set from each file's first and last
/// timestamps, so the files must be in time order and must not overlap in time.
public struct DriftFileComparison: Sendable {
    public var configuration: DriftConfiguration

    public init(configuration: DriftConfiguration) {
        self.configuration = configuration
    }

    public struct Result: Sendable {
        public var engine: DriftEngine
        public var referenceLines: Int
        public var currentLines: Int
        public var undecodable: Int
    }

    public func run(reference: String, current: String) throws -> Result {
        let decoder = RecordDecoder()
        let ref = try Self.timeRange(reference, decoder: decoder)
        let cur = try Self.timeRange(current, decoder: decoder)
        guard ref.upperBound < cur.lowerBound else {
            throw DriftwatchError(.invalidArgument, "\(current) must start after \(reference) ends (the reference is the baseline, the current file the current window)")
        }
        var c = configuration
        c.baseline = .fixed(fromMicros: ref.lowerBound, toMicros: ref.upperBound + 1)
        let span = cur.upperBound - cur.lowerBound + 1
        // About 12 buckets over the current file, starting at its first record so the current
        // window holds exactly the current file's records.
        c.bucketMicros = max(1_000_000, (span + 11) / 12)
        c.bucketOriginMicros = cur.lowerBound
        c.currentWindowMicros = ((span + c.bucketMicros - 1) / c.bucketMicros) * c.bucketMicros
        c.trailingReferenceMicros = c.bucketMicros
        // Decoding and counting overlap on two threads: one decodes batches of lines, the other
        // counts them, with at most `depth` batches in flight so memory stays bounded.
        let channel = BatchChannel(depth: 4)
        let box = EngineBox(DriftEngine(configuration: c))
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                var batch: [RequestRecord] = []
                batch.reserveCapacity(BatchChannel.batchSize)
                var undecodable = 0
                do {
                    for path in [reference, current] {
                        let lines = try Self.forEachLine(path) { line in
                            do { batch.append(try decoder.decode(line)) } catch { undecodable += 1 }
                            if batch.count == BatchChannel.batchSize {
                                channel.send(batch)
                                batch.removeAll(keepingCapacity: true)
                            }
                        }
                        channel.countLines(lines)
                    }
                    if !batch.isEmpty { channel.send(batch) }
                } catch {
                    channel.fail(error)
                }
                channel.finish(undecodable: undecodable)
            } else {
                while let batch = channel.receive() {
                    for record in batch { box.engine.ingest(record) }
                }
            }
        }
        if let error = channel.error { throw error }
        return Result(engine: box.engine, referenceLines: channel.lines[0], currentLines: channel.lines.count > 1 ? channel.lines[1] : 0,
                      undecodable: channel.undecodable)
    }

    /// First and last timestamps of a file (its first and last decodable lines).
    static func timeRange(_ path: String, decoder: RecordDecoder) throws -> ClosedRange<Int64> {
        var first: Int64?, last: Int64?
        _ = try forEachLine(path, tailOnly: true) { line in
            guard let ts = try? decoder.decode(line).timestampMicros else { return }
            if first == nil { first = ts }
            last = ts
        }
        guard let first, let last, first <= last else {
            throw DriftwatchError(.invalidArgument, "\(path): no decodable records in time order")
        }
        return first...last
    }

    /// Calls `body` with every non-empty line (without its newline); returns the number of lines.
    /// With `tailOnly`, only the first 1 MiB and the last 1 MiB are read.
    @discardableResult
    static func forEachLine(_ path: String, tailOnly: Bool = false, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DriftwatchError(.invalidArgument, "\(path): cannot open")
        }
        defer { try? handle.close() }
        let chunk = 1 << 20
        var pending: [UInt8] = []
        var lines = 0
        func consume(_ data: Data, final: Bool) {
            pending.append(contentsOf: data)
            pending.withUnsafeBytes { buffer in
                var start = 0
                var i = 0
                let n = buffer.count
                while i < n {
                    if buffer[i] == UInt8(ascii: "\n") {
                        if i > start {
                            body(UnsafeRawBufferPointer(rebasing: buffer[start..<i]))
                            lines += 1
                        }
                        start = i + 1
                    }
                    i += 1
                }
                if final && start < n {
                    body(UnsafeRawBufferPointer(rebasing: buffer[start..<n]))
                    lines += 1
                    start = n
                }
                pending.removeFirst(start)
            }
        }
        if tailOnly {
            consume(try handle.read(upToCount: chunk) ?? Data(), final: false)
            let size = try handle.seekToEnd()
            if size > UInt64(2 * chunk) {
                try handle.seek(toOffset: size - UInt64(chunk))
                pending.removeAll()
                var tail = try handle.readToEnd() ?? Data()
                // Drop the partial first line of the tail.
                if let newline = tail.firstIndex(of: UInt8(ascii: "\n")) { tail = tail[(newline + 1)...] }
                consume(tail, final: true)
            } else {
                try handle.seek(toOffset: 0)
                pending.removeAll()
                consume(try handle.readToEnd() ?? Data(), final: true)
            }
            return lines
        }
        while let data = try handle.read(upToCount: chunk), !data.isEmpty {
            consume(data, final: false)
        }
        consume(Data(), final: true)
        return lines
    }
}

/// The engine, handed to the counting thread.
private final class EngineBox: @unchecked Sendable {
    var engine: DriftEngine
    init(_ engine: DriftEngine) { self.engine = engine }
}

/// A bounded hand-off of decoded batches from the decoding thread to the counting thread.
private final class BatchChannel: @unchecked Sendable {
    static let batchSize = 4096
    private let lock = NSLock()
    private let slots: DispatchSemaphore
    private let items = DispatchSemaphore(value: 0)
    private var queue: [[RequestRecord]?] = []
    private(set) var error: (any Error)?
    private(set) var undecodable = 0
    private(set) var lines: [Int] = []

    init(depth: Int) { slots = DispatchSemaphore(value: depth) }

    func send(_ batch: [RequestRecord]) {
        slots.wait()
        lock.withLock { queue.append(batch) }
        items.signal()
    }

    func countLines(_ n: Int) { lock.withLock { lines.append(n) } }

    func fail(_ error: any Error) { lock.withLock { self.error = error } }

    /// Ends the stream; `receive` returns nil after the queued batches.
    func finish(undecodable: Int) {
        lock.withLock {
            self.undecodable = undecodable
            queue.append(nil)
        }
        items.signal()
    }

    func receive() -> [RequestRecord]? {
        items.wait()
        let batch = lock.withLock { queue.removeFirst() }
        if batch != nil { slots.signal() }
        return batch
    }
}
