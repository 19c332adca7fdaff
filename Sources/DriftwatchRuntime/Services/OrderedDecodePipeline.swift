import Foundation

/// Decodes the lines of one or more files on several threads and hands the decoded batches to a
/// single consumer in file order, one batch at a time: the consumer sees exactly the sequence a
/// one-thread loop would, so order-dependent state (interned ids, streaming detectors) is the same.
///
/// Every worker thread does both jobs: when the next batch in order is decoded and nobody is
/// consuming, it consumes; otherwise it reads and decodes the next block. Consuming is serial by
/// nature, decoding is not, so on two cores both stay busy whichever of the two costs more. At
/// most `depth` blocks are read but not yet consumed, so memory is bounded whatever the file sizes.
final class OrderedDecodePipeline<Item>: @unchecked Sendable {
    typealias Decode = (UnsafeRawBufferPointer) -> Item?
    typealias Consume = (inout [Item]) -> Void

    struct Outcome {
        /// Non-empty lines per file.
        var lines: [Int]
        /// Lines `decode` returned nil for.
        var failed: Int
    }

    private let paths: [String]
    private let blockSize: Int
    private let depth: Int
    private let decode: Decode
    private let consume: Consume

    /// Guards everything below.
    private let condition = NSCondition()
    /// Decoded batches waiting for their turn, by sequence number.
    private var ready: [Int: Batch] = [:]
    private var nextToConsume = 0
    /// Blocks claimed for reading (sequence numbers handed out, in read order).
    private var claimed = 0
    private var consuming = false
    /// The batch being consumed; only the consuming thread touches it. Held here rather than in a
    /// local so the array stays uniquely referenced and the consumer can work on it in place.
    private var consumingItems: [Item] = []
    private var readerDone = false
    /// Number of blocks in all files, known once the reader is done.
    private var totalBlocks = Int.max
    private var failure: (any Error)?
    private var lines: [Int]
    private var failed = 0
    private var freeBlocks: [LineBlock] = []
    private var freeItems: [[Item]] = []

    /// Serialises reading, so blocks are read (and numbered) in file order.
    private let readLock = NSLock()
    private var fileIndex = 0
    private var reader: LineBlockReader?
    private var readSequence = 0

    private struct Batch {
        var items: [Item]
        var sequence: Int
    }

    init(paths: [String], blockSize: Int = 1 << 20, depth: Int = 4, decode: @escaping Decode, consume: @escaping Consume) {
        self.paths = paths
        self.blockSize = blockSize
        self.depth = max(depth, 2)
        self.decode = decode
        self.consume = consume
        lines = Array(repeating: 0, count: paths.count)
    }

    /// Runs to the end of the last file on `threads` threads (the calling one included), and
    /// returns once all of them have finished.
    ///
    /// The extra threads are plain threads, not `DispatchQueue.concurrentPerform` iterations:
    /// called from a Swift concurrency context (the CLI's async `run`), Dispatch ran the iterations
    /// one after the other, which this design survives but which left one core idle.
    func run(threads: Int = 2) throws -> Outcome {
        let finished = DispatchSemaphore(value: 0)
        let extra = max(threads, 1) - 1
        for _ in 0..<extra {
            let thread = Thread { [self] in
                work()
                finished.signal()
            }
            thread.start()
        }
        work()
        for _ in 0..<extra { finished.wait() }
        if let failure { throw failure }
        return Outcome(lines: lines, failed: failed)
    }

    private enum Job {
        case consume
        case decode
        case stop
    }

    private func work() {
        while true {
            switch nextJob() {
            case .stop:
                return
            case .consume:
                consume(&consumingItems)
                condition.lock()
                consuming = false
                nextToConsume += 1
                // The decoding thread clears it, so freeing the records is off the serial path.
                freeItems.append(consumingItems)
                consumingItems = []
                condition.broadcast()
                condition.unlock()
            case .decode:
                decodeNextBlock()
            }
        }
    }

    private func nextJob() -> Job {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if failure != nil { return .stop }
            if !consuming, let batch = ready.removeValue(forKey: nextToConsume) {
                consuming = true
                consumingItems = batch.items
                return .consume
            }
            if !readerDone && claimed - nextToConsume < depth {
                claimed += 1
                return .decode
            }
            if readerDone && nextToConsume == totalBlocks && !consuming { return .stop }
            condition.wait()
        }
    }

    /// Reads the next block (under the read lock, so in order) and decodes it outside any lock.
    private func decodeNextBlock() {
        condition.lock()
        let block = freeBlocks.popLast() ?? LineBlock(capacity: blockSize)
        var items = freeItems.popLast() ?? []
        condition.unlock()
        items.removeAll(keepingCapacity: true)

        readLock.lock()
        let sequence: Int?
        var file = 0
        do {
            sequence = try readBlock(into: block, file: &file)
        } catch {
            readLock.unlock()
            finish(error: error)
            return
        }
        let blocksRead = readSequence
        readLock.unlock()

        guard let sequence else {
            condition.lock()
            claimed -= 1
            readerDone = true
            totalBlocks = blocksRead
            freeBlocks.append(block)
            freeItems.append(items)
            condition.broadcast()
            condition.unlock()
            return
        }
        var bad = 0
        let count = block.forEachLine { line in
            if let item = decode(line) { items.append(item) } else { bad += 1 }
        }
        condition.lock()
        lines[file] += count
        failed += bad
        ready[sequence] = Batch(items: items, sequence: sequence)
        freeBlocks.append(block)
        condition.broadcast()
        condition.unlock()
    }

    /// The next block of the current file, moving on to the next file at the end of one; nil after
    /// the last. Called with `readLock` held.
    private func readBlock(into block: LineBlock, file: inout Int) throws -> Int? {
        while fileIndex < paths.count {
            if reader == nil { reader = try LineBlockReader(path: paths[fileIndex]) }
            if try reader!.next(into: block) {
                file = fileIndex
                defer { readSequence += 1 }
                return readSequence
            }
            reader = nil
            fileIndex += 1
        }
        return nil
    }

    private func finish(error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }
}
