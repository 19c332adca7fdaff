public import DriftwatchDrift
import DriftwatchCore
import Foundation

/// Drift between two JSON Lines files, without a store: the reference file is the baseline, the
/// current file the current window. Lines are streamed in chunks (files larger than memory are
/// fine) and counted exactly as under `run`; the windows are set from each file's first and last
/// timestamps, so the files must be in time order and must not overlap in time.
public struct DriftFileComparison: Sendable {
    public var configuration: DriftConfiguration
    /// Threads that decode and count (the machine's cores by default).
    public var threads: Int
    /// Bytes read per block (about 850 demo records); small in tests to cross many block edges.
    var blockSize = 1 << 20
    /// Blocks read but not yet counted; with the block size this bounds memory.
    var blocksInFlight = 4

    /// - Parameter threads: nil for one per core.
    public init(configuration: DriftConfiguration, threads: Int? = nil) {
        self.configuration = configuration
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
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
        // Both cores decode blocks of lines; the records are counted in file order, one batch at a
        // time, by whichever thread is free, so the counts are exactly those of a one-thread loop.
        let box = EngineBox(DriftEngine(configuration: c))
        let pipeline = OrderedDecodePipeline<RequestRecord>(
            paths: [reference, current], blockSize: blockSize, depth: blocksInFlight,
            decode: { line in
                // Long strings are cut before they become categories (FreeFormBounds; the vocabularies cap counts).
                guard var record = try? decoder.decode(line) else { return nil }
                var bounds = FreeFormBounds(capsSlices: false)
                bounds.apply(&record)
                return record
            },
            consume: { records in box.ingest(&records) })
        let outcome = try pipeline.run(threads: threads)
        return Result(engine: box.engine, referenceLines: outcome.lines[0], currentLines: outcome.lines[1], undecodable: outcome.failed)
    }

    /// First and last timestamps of a file (its first and last decodable lines).
    static func timeRange(_ path: String, decoder: RecordDecoder) throws -> ClosedRange<Int64> {
        var first: Int64?, last: Int64?
        try forEachHeadAndTailLine(path) { line in
            guard let ts = try? decoder.decode(line).timestampMicros else { return }
            if first == nil { first = ts }
            last = ts
        }
        guard let first, let last, first <= last else {
            throw DriftwatchError(.invalidArgument, "\(path): no decodable records in time order")
        }
        return first...last
    }

    /// Calls `body` with every non-empty line (without its newline) of the first 1 MiB and of the
    /// last 1 MiB of the file (the whole file when it is smaller than 2 MiB).
    static func forEachHeadAndTailLine(_ path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DriftwatchError(.invalidArgument, "\(path): cannot open")
        }
        defer { try? handle.close() }
        let chunk = 1 << 20
        var pending: [UInt8] = []
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
                        }
                        start = i + 1
                    }
                    i += 1
                }
                if final && start < n {
                    body(UnsafeRawBufferPointer(rebasing: buffer[start..<n]))
                    start = n
                }
                pending.removeFirst(start)
            }
        }
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
    }
}

/// The engine, handed to whichever thread counts the next batch (never two at once).
private final class EngineBox: @unchecked Sendable {
    var engine: DriftEngine
    init(_ engine: DriftEngine) { self.engine = engine }

    func ingest(_ records: inout [RequestRecord]) {
        engine.ingest(&records)
    }
}
