/// A growable byte buffer with unchecked-capacity appends after one `reserve`, for the encoder's hot path.
///
/// A class so the writer and the encoder can share one allocation across millions of lines without
/// copy-on-write checks; not thread-safe, and never shared across tasks.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes.
    @inline(__always)
    func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        reserve(n)
        if let src = bytes.baseAddress {
            ByteBuffer.copy(from: src, to: UnsafeMutableRawPointer(base + count), count: n)
        }
        count += n
    }

    /// Copies short runs with two overlapping word moves instead of a memmove call: most pieces of a JSON
    /// line are a few bytes long.
    @inline(__always)
    static func copy(from src: UnsafeRawPointer, to dst: UnsafeMutableRawPointer, count n: Int) {
        if n >= 8 {
            if n <= 16 {
                let head = src.loadUnaligned(as: UInt64.self)
                let tail = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                dst.storeBytes(of: head, as: UInt64.self)
                dst.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
            } else {
                dst.copyMemory(from: src, byteCount: n)
            }
        } else if n >= 4 {
            let head = src.loadUnaligned(as: UInt32.self)
            let tail = src.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            dst.storeBytes(of: head, as: UInt32.self)
            dst.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else {
            for i in 0..<n { dst.storeBytes(of: src.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        }
    }

    @inline(__always)
    func append(_ literal: StaticString) {
        append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Drops the first `n` bytes, keeping the rest (a partial line) at the front.
    func removeFirst(_ n: Int) {
        let rest = count - n
        if rest > 0 { base.update(from: base + n, count: rest) }
        count = rest
    }
}
