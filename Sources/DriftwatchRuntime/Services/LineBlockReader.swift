import DriftwatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A reusable byte buffer holding whole lines of a file. Blocks are recycled between reads, so
/// reading a large file allocates a handful of buffers rather than one per read.
final class LineBlock {
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// Bytes in use, from the start of ``storage``.
    var count = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var capacity: Int { storage.count }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// Doubles the capacity (a single line longer than the block), keeping the bytes in use.
    func grow() {
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 16)
        larger.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: count)
        storage.deallocate()
        storage = larger
    }

    /// Calls `body` with every non-empty line (without its newline); returns how many there were.
    @discardableResult
    func forEachLine(_ body: (UnsafeRawBufferPointer) -> Void) -> Int {
        guard count > 0, let base = storage.baseAddress else { return 0 }
        var lines = 0
        var start = 0
        while start < count {
            let end: Int
            if let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), count - start) {
                end = base.distance(to: UnsafeMutableRawPointer(newline))
            } else {
                end = count
            }
            if end > start {
                body(UnsafeRawBufferPointer(start: base + start, count: end - start))
                lines += 1
            }
            start = end + 1
        }
        return lines
    }
}

/// Reads a file as blocks of whole lines: each block ends at a newline (or at the end of the file),
/// the partial line after the block's last newline starts the next block.
final class LineBlockReader {
    let path: String
    private let fd: Int32
    private var carry: UnsafeMutableRawBufferPointer
    private var carryCount = 0
    private var atEnd = false

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DriftwatchError(.invalidArgument, "\(path): cannot open") }
        carry = .allocate(byteCount: 1 << 16, alignment: 16)
    }

    deinit {
        close(fd)
        carry.deallocate()
    }

    /// Fills `block` with the next whole lines; false (and an empty block) at the end of the file.
    func next(into block: LineBlock) throws -> Bool {
        block.count = 0
        if carryCount > 0 {
            while block.capacity < carryCount { block.grow() }
            block.storage.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carryCount)
            block.count = carryCount
            carryCount = 0
        }
        while !atEnd {
            if block.count == block.capacity { block.grow() }
            let n = read(fd, block.storage.baseAddress! + block.count, block.capacity - block.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DriftwatchError(.invalidArgument, "\(path): read failed (errno \(errno))")
            }
            if n == 0 {
                atEnd = true
                break
            }
            block.count += n
            // Keep reading until the block holds at least one newline and is full.
            guard block.count == block.capacity else { continue }
            if let cut = lastNewline(block) {
                keepAfter(cut, of: block)
                return true
            }
        }
        return block.count > 0
    }

    /// Position of the last newline in the block (lines are short: found near the end).
    private func lastNewline(_ block: LineBlock) -> Int? {
        let base = block.storage.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var i = block.count - 1
        while i >= 0 {
            if base[i] == UInt8(ascii: "\n") { return i }
            i -= 1
        }
        return nil
    }

    /// Moves the bytes after `newline` into the carry for the next block.
    private func keepAfter(_ newline: Int, of block: LineBlock) {
        let rest = block.count - newline - 1
        if rest > carry.count {
            carry.deallocate()
            carry = .allocate(byteCount: max(rest, carry.count * 2), alignment: 16)
        }
        if rest > 0 {
            carry.baseAddress!.copyMemory(from: block.storage.baseAddress! + newline + 1, byteCount: rest)
        }
        carryCount = rest
        block.count = newline + 1
    }
}
