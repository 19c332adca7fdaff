#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file found by ``FileDiscovery``, with what `stat(2)` said about it at that moment.
public struct DiscoveredFile: Sendable, Equatable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var size: UInt64
    /// Modification time in nanoseconds since the epoch; with size it tells a changed file from an unchanged one.
    public var modifiedNanos: Int64

    public init(path: String, device: UInt64, inode: UInt64, size: UInt64, modifiedNanos: Int64) {
        self.path = path
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanos = modifiedNanos
    }
}

/// Expands glob patterns to the regular files they match right now.
///
/// Patterns go through POSIX `glob(3)` (`*`, `?`, `[...]`, plus GNU `{a,b}` braces and `~`); a `**`
/// path component matches any number of directories (walked with `opendir`). Literal paths (backfill)
/// are only `stat`ed, so names containing glob metacharacters still work. Directories, sockets and
/// other non-regular files are skipped; a path that disappears between listing and `stat` is skipped too.
public struct FileDiscovery: Sendable {
    public enum Source: Sendable, Equatable {
        case patterns([String])
        case literalPaths([String])
    }

    public var source: Source
    /// Which files each pattern may hand out (symlinks, owners), by pattern; patterns not listed get the default.
    /// Literal paths (`ingest FILE`, named by the operator) are not checked.
    public var admission: [String: FileAdmission] = [:]

    public init(patterns: [String], admission: [String: FileAdmission] = [:]) {
        self.source = .patterns(patterns)
        self.admission = admission
    }

    public init(literalPaths: [String]) {
        self.source = .literalPaths(literalPaths)
    }

    /// The matching regular files, each device/inode once, in path order.
    public func discover() -> [DiscoveredFile] { discoverAdmitted().files }

    /// ``discover()``, and the matches ``admission`` refused with why (a refused path is not in `files`).
    public func discoverAdmitted() -> (files: [DiscoveredFile], refused: [(path: String, reason: String)]) {
        var paths: [String] = []
        var refused: [(path: String, reason: String)] = []
        switch source {
        case .literalPaths(let list):
            paths = list
        case .patterns(let patterns):
            for pattern in patterns {
                let rule = admission[pattern] ?? FileAdmission()
                for path in Self.expand(pattern) {
                    if let reason = rule.refusal(path, pattern: pattern) {
                        refused.append((path, reason))
                    } else {
                        paths.append(path)
                    }
                }
            }
        }
        var seen = Set<FileKey>()
        var result: [DiscoveredFile] = []
        for path in paths.sorted() {
            guard let file = Self.statRegular(path) else { continue }
            if seen.insert(FileKey(device: file.device, inode: file.inode)).inserted {
                result.append(file)
            }
        }
        return (result, refused)
    }

    /// `stat(2)` of `path` if it is a regular file (symlinks followed).
    public static func statRegular(_ path: String) -> DiscoveredFile? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return DiscoveredFile(
            path: path,
            device: UInt64(st.st_dev),
            inode: UInt64(st.st_ino),
            size: UInt64(st.st_size),
            modifiedNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        )
    }

    /// All paths matching one pattern, `**` included.
    static func expand(_ pattern: String) -> [String] {
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let star = components.firstIndex(of: "**") else { return glob(pattern) }
        let head = components[..<star].joined(separator: "/")
        let tail = components[(star + 1)...].joined(separator: "/")
        var results: [String] = []
        for base in head.isEmpty ? ["."] : glob(head) {
            for dir in [base] + subdirectories(of: base) {
                let sub = tail.isEmpty ? dir + "/*" : dir + "/" + tail
                results.append(contentsOf: expand(sub))
            }
        }
        return results
    }

    private static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        #if canImport(Glibc)
        let rc = Glibc.glob(pattern, GLOB_BRACE | GLOB_TILDE, nil, &g)
        #else
        let rc = Darwin.glob(pattern, GLOB_BRACE | GLOB_TILDE, nil, &g)
        #endif
        guard rc == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out
    }

    /// Every directory below `root`, depth first, not following symlinked directories (no cycles).
    private static func subdirectories(of root: String) -> [String] {
        var out: [String] = []
        var stack = [root]
        while let dir = stack.popLast() {
            guard let d = opendir(dir) else { continue }
            defer { closedir(d) }
            while let entry = readdir(d) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name == "." || name == ".." { continue }
                let path = dir + "/" + name
                var st = stat()
                if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                    out.append(path)
                    stack.append(path)
                }
            }
        }
        return out
    }
}

/// Device and inode: which file a descriptor or path refers to right now.
package struct FileKey: Hashable, Sendable {
    package var device: UInt64
    package var inode: UInt64

    package init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}
