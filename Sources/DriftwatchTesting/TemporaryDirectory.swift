#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under `/tmp`, removed with everything in it when the value is released.
public final class TemporaryDirectory: Sendable {
    /// Absolute path, without a trailing slash.
    public let path: String

    /// Creates `/tmp/<prefix>.XXXXXX` with mode 0700.
    public init(prefix: String = "driftwatch") {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: \(String(cString: strerror(errno)))")
        path = String(cString: made!)
    }

    deinit { Self.removeTree(path) }

    /// `path + "/" + name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Removes a file or a directory tree; missing paths are fine.
    public static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if let dir = opendir(path) {
                var names: [String] = []
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(dir)
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// Runs `body` with a temporary directory that is removed afterwards.
public func withTemporaryDirectory<T>(
    prefix: String = "driftwatch",
    _ body: (TemporaryDirectory) async throws -> T
) async rethrows -> T {
    let dir = TemporaryDirectory(prefix: prefix)
    defer { withExtendedLifetime(dir) {} }
    return try await body(dir)
}
