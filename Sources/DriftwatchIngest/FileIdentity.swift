/// The identity of a log file's content: an FNV-1a 64 hash of its first line.
///
/// Hashing the first line (at most ``maxBytes`` of it), read from the uncompressed stream, makes the
/// identity survive renames, inode reuse and compression: `app.log.1.gz` has the identity of the
/// `app.log` it was rotated from. Its price: two files that begin with the same line share an identity,
/// which request logs (unique `request_id` per line) do not do. FNV-1a rather than `Hasher` because
/// the fingerprint is stored in checkpoints and must be stable across runs and builds.
public struct FileIdentity: Sendable, Hashable {
    /// Longest first-line prefix that is hashed; a longer first line is identified by this prefix.
    public static let maxBytes = 1024

    /// 16 lowercase hex digits.
    public var fingerprint: String
    /// The hashed bytes (first line without its newline, or its first ``maxBytes`` bytes).
    package var prefix: [UInt8]
    /// Whether ``prefix`` was followed by a newline (false when the line was capped).
    package var terminated: Bool

    /// The identity of a file whose uncompressed stream begins with `head`, or nil while the
    /// first line is incomplete and shorter than ``maxBytes``.
    package init?(head: some Collection<UInt8>) {
        let window = head.prefix(Self.maxBytes)
        if let newline = window.firstIndex(of: 0x0A) {
            prefix = Array(window[..<newline])
            terminated = true
        } else if window.count >= Self.maxBytes {
            prefix = Array(window)
            terminated = false
        } else {
            return nil
        }
        fingerprint = Self.fnv1a64Hex(prefix)
    }

    /// Whether a file whose stream now begins with `head` still carries this identity.
    /// `head` should hold at least `maxBytes + 1` bytes when the file is that long.
    package func matches(head: [UInt8]) -> Bool {
        guard head.count >= prefix.count, head.starts(with: prefix) else { return false }
        if terminated {
            return head.count > prefix.count && head[prefix.count] == 0x0A
        }
        return true
    }

    /// FNV-1a, 64 bit, as 16 hex digits.
    public static func fnv1a64Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
