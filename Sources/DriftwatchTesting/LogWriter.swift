#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends to a log file the way a service does: one descriptor opened with `O_APPEND`, kept
/// across renames until ``reopen()``, which is what a logger does after rotation.
///
/// It tracks the offset of every line it writes relative to the file it wrote into, so tests can
/// check dead-letter offsets.
public final class LogWriter {
    public let path: String
    private var fd: Int32
    private var nextID = 0
    public let idPrefix: String

    public init(path: String, idPrefix: String = "req") {
        self.path = path
        self.idPrefix = idPrefix
        fd = Self.openAppend(path)
    }

    deinit { close(fd) }

    /// Closes the current descriptor and opens `path` again (creating it if needed).
    public func reopen() {
        close(fd)
        fd = Self.openAppend(path)
    }

    /// Size of the file the descriptor refers to: the offset the next write lands at.
    public var currentOffset: UInt64 {
        var st = stat()
        fstat(fd, &st)
        return UInt64(st.st_size)
    }

    /// Appends a well-formed record line and returns its request ID.
    @discardableResult
    public func appendRecord(task: String = "refund_question") -> String {
        let id = "\(idPrefix)-\(nextID)"
        nextID += 1
        appendLine(Self.recordLine(id: id, task: task))
        return id
    }

    /// Appends `text` followed by a newline; returns the offset of its first byte.
    @discardableResult
    public func appendLine(_ text: String) -> UInt64 {
        append(text + "\n")
    }

    /// Appends raw text (no newline added); returns the offset of its first byte.
    @discardableResult
    public func append(_ text: String) -> UInt64 {
        append(bytes: Array(text.utf8))
    }

    @discardableResult
    public func append(bytes: [UInt8]) -> UInt64 {
        let offset = currentOffset
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            precondition(n > 0, "write to \(path) failed: \(String(cString: strerror(errno)))")
            written += n
        }
        return offset
    }

    /// A minimal format v1 line. The timestamp is integer epoch milliseconds (valid v1) so that
    /// every decoder version accepts it.
    public static func recordLine(id: String, task: String = "refund_question", timestampMillis: Int64 = 1_700_000_000_000) -> String {
        #"{"request_id":"\#(id)","timestamp":\#(timestampMillis),"service":"copilot","task":"\#(task)","model":{"name":"m","version":"1","tuned":false},"outcome":"success"}"#
    }

    private static func openAppend(_ path: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "open \(path) failed: \(String(cString: strerror(errno)))")
        return fd
    }
}
