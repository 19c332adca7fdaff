#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One framed line, handed out while the bytes are still in the read buffer.
package enum LineEvent {
    /// A complete line without its `\n` (and without a trailing `\r`), starting at `offset`;
    /// `end` is the offset just after its newline.
    case line(offset: UInt64, end: UInt64, bytes: UnsafeRawBufferPointer)
    /// A line longer than the limit: only its first bytes were kept; `length` excludes the newline.
    case oversized(offset: UInt64, length: UInt64, end: UInt64, prefix: [UInt8])

    /// Offset just after the line (and its newline, if it had one).
    package var end: UInt64 {
        switch self {
        case .line(_, let end, _), .oversized(_, _, let end, _): end
        }
    }
}

/// Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line.
///
/// Bytes after the last newline are kept (the partial line) and not consumed until their newline
/// arrives, or ``finish(_:)`` says the stream is complete. A line longer than the limit is skipped to
/// its newline, keeping only its first ``oversizedPrefixBytes`` for the dead letter. Empty lines are
/// skipped silently but still advance ``consumedOffset``.
package struct LineFramer {
    package static let oversizedPrefixBytes = 4096

    package let maxLineBytes: Int
    /// Offset just after the last consumed line: what a checkpoint may record.
    package private(set) var consumedOffset: UInt64
    /// The unterminated line that starts at ``consumedOffset`` (when not skipping).
    private var carry: [UInt8] = []
    private var skipping = false
    private var skipPrefix: [UInt8] = []
    private var skipLength: UInt64 = 0

    package init(startOffset: UInt64, maxLineBytes: Int) {
        self.consumedOffset = startOffset
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Bytes read but not consumed yet (the partial line).
    package var pendingBytes: UInt64 { skipping ? skipLength : UInt64(carry.count) }

    /// Feeds the next bytes of the stream, calling `emit` for every line they complete.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (LineEvent) throws -> Void) rethrows {
        guard let base = chunk.baseAddress else { return }
        let n = chunk.count
        var i = 0
        while i < n {
            guard let found = memchr(base + i, 0x0A, n - i) else {
                absorbPartial(UnsafeRawBufferPointer(start: base + i, count: n - i))
                return
            }
            let j = base.distance(to: UnsafeRawPointer(found))
            let segment = UnsafeRawBufferPointer(start: base + i, count: j - i)
            try complete(segment, emit)
            i = j + 1
        }
    }

    /// The stream is complete (a fully written gzip file): its final unterminated line is a line too.
    package mutating func finish(_ emit: (LineEvent) throws -> Void) rethrows {
        if skipping {
            let event = LineEvent.oversized(offset: consumedOffset, length: skipLength, end: consumedOffset + skipLength, prefix: skipPrefix)
            consumedOffset += skipLength
            resetSkip()
            try emit(event)
        } else if !carry.isEmpty {
            let line = carry
            carry.removeAll()
            let start = consumedOffset
            consumedOffset += UInt64(line.count)
            try line.withUnsafeBytes { try emitLine(offset: start, end: consumedOffset, $0, emit) }
        }
    }

    /// `segment` ends at a newline: together with any carried bytes it is one complete line.
    private mutating func complete(_ segment: UnsafeRawBufferPointer, _ emit: (LineEvent) throws -> Void) rethrows {
        let start = consumedOffset
        if skipping {
            let length = skipLength + UInt64(segment.count)
            let prefix = skipPrefix
            resetSkip()
            consumedOffset = start + length + 1
            try emit(.oversized(offset: start, length: length, end: consumedOffset, prefix: prefix))
        } else if carry.count + segment.count > maxLineBytes {
            var prefix = carry.prefix(Self.oversizedPrefixBytes)
            prefix.append(contentsOf: segment.prefix(Self.oversizedPrefixBytes - prefix.count))
            let length = UInt64(carry.count + segment.count)
            carry.removeAll()
            consumedOffset = start + length + 1
            try emit(.oversized(offset: start, length: length, end: consumedOffset, prefix: Array(prefix)))
        } else if carry.isEmpty {
            consumedOffset = start + UInt64(segment.count) + 1
            try emitLine(offset: start, end: consumedOffset, segment, emit)
        } else {
            carry.append(contentsOf: segment)
            let line = carry
            carry.removeAll(keepingCapacity: true)
            consumedOffset = start + UInt64(line.count) + 1
            try line.withUnsafeBytes { try emitLine(offset: start, end: consumedOffset, $0, emit) }
        }
    }

    private func emitLine(offset: UInt64, end: UInt64, _ bytes: UnsafeRawBufferPointer, _ emit: (LineEvent) throws -> Void) rethrows {
        var line = bytes
        if let last = line.last, last == 0x0D {
            line = UnsafeRawBufferPointer(rebasing: line.dropLast())
        }
        if line.isEmpty { return }
        try emit(.line(offset: offset, end: end, bytes: line))
    }

    /// Bytes with no newline after them: keep them, or start skipping once the line is too long.
    private mutating func absorbPartial(_ rest: UnsafeRawBufferPointer) {
        if skipping {
            skipLength += UInt64(rest.count)
            if skipPrefix.count < Self.oversizedPrefixBytes {
                skipPrefix.append(contentsOf: rest.prefix(Self.oversizedPrefixBytes - skipPrefix.count))
            }
        } else if carry.count + rest.count > maxLineBytes {
            skipping = true
            skipPrefix = Array(carry.prefix(Self.oversizedPrefixBytes))
            skipPrefix.append(contentsOf: rest.prefix(Self.oversizedPrefixBytes - skipPrefix.count))
            skipLength = UInt64(carry.count + rest.count)
            carry = []
        } else {
            carry.append(contentsOf: rest)
        }
    }

    private mutating func resetSkip() {
        skipping = false
        skipPrefix = []
        skipLength = 0
    }
}
