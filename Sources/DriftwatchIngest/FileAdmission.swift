#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which files a source's globs may hand to the tailer (`sources[].follow_symlinks`, `sources[].allowed_owners`).
///
/// A log directory is often writable by the service whose logs it holds; a symlink placed there must not make the
/// sidecar read, store and show (`driftwatch dead-letters`) a file that service could not read itself. So by default a
/// link is followed only when its target lies inside the source's own directories (the fixed part of each glob, e.g.
/// `/var/log/app` for `/var/log/app/*.log`), as a `current -> requests.log.3` link does.
public struct FileAdmission: Sendable, Equatable {
    public enum Symlinks: String, Sendable, Equatable, CaseIterable {
        /// Follow a link only when its target is inside the source's directories (the default).
        case within
        /// Follow every link (`follow_symlinks: true`).
        case follow = "true"
        /// Never read a file through a link (`follow_symlinks: false`).
        case refuse = "false"
    }

    public var symlinks: Symlinks
    /// Only files owned by these user ids are read; nil: any owner.
    public var allowedOwners: Set<UInt32>?

    public init(symlinks: Symlinks = .within, allowedOwners: Set<UInt32>? = nil) {
        self.symlinks = symlinks
        self.allowedOwners = allowedOwners
    }

    /// Why `path`, found by `pattern`, must not be read; nil when it may.
    public func refusal(_ path: String, pattern: String) -> String? {
        var link = stat()
        guard lstat(path, &link) == 0 else { return nil }  // gone: discovery skips it anyway
        let isLink = (link.st_mode & S_IFMT) == S_IFLNK
        switch symlinks {
        case .follow:
            break
        case .refuse:
            if isLink { return "it is a symbolic link and follow_symlinks is false" }
        case .within:
            // A link anywhere on the way (the file, or a directory a `**` walked into) counts: compare real paths.
            guard let real = Self.realPath(path) else { return nil }
            let roots = Self.roots(of: pattern).compactMap(Self.realPath)
            if !roots.contains(where: { real == $0 || real.hasPrefix($0 == "/" ? "/" : $0 + "/") }) {
                return "it resolves to \(real), outside the source's directories (\(Self.roots(of: pattern).joined(separator: ", "))); set follow_symlinks: true to read it"
            }
        }
        if let allowedOwners {
            var target = stat()
            if stat(path, &target) == 0, !allowedOwners.contains(UInt32(target.st_uid)) {
                return "it is owned by uid \(target.st_uid), not one of allowed_owners"
            }
        }
        return nil
    }

    /// The directory a glob pattern is anchored in: its components before the first one with a glob character.
    static func roots(of pattern: String) -> [String] {
        var pattern = pattern
        if pattern == "~" || pattern.hasPrefix("~/"), let home = getenv("HOME") { pattern = String(cString: home) + pattern.dropFirst() }
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
        var fixed: [Substring] = []
        for component in components.dropLast() {
            if component.contains(where: { "*?[{~".contains($0) }) { break }
            fixed.append(component)
        }
        let joined = fixed.joined(separator: "/")
        if pattern.hasPrefix("/") { return [joined.isEmpty ? "/" : joined] }
        return [joined.isEmpty ? "." : joined]
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
