public import DriftwatchCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a generated workload as JSON Lines, optionally spread over several files (one per simulated
/// replica), through large buffered writes.
public struct WorkloadWriter: Sendable {
    /// The output path; with several files, `-N` is inserted before the extension (`demo-0.jsonl`, `demo-1.jsonl`).
    public var path: String
    /// Records are dealt round-robin, so each file is in timestamp order too.
    public var fileCount: Int
    /// Bytes buffered in total before write(2) calls, shared among the files (at least 64 KiB each).
    public var bufferSize: Int
    /// Append to existing files instead of truncating them.
    public var append: Bool

    public init(path: String, fileCount: Int = 1, bufferSize: Int = 1 << 20, append: Bool = false) {
        self.path = path
        self.fileCount = fileCount
        self.bufferSize = bufferSize
        self.append = append
    }

    /// The paths ``write(_:)`` will write.
    public var paths: [String] {
        guard fileCount > 1 else { return [path] }
        let slash = path.lastIndex(of: "/")
        let dot = path.lastIndex(of: ".").flatMap { dot in slash.map { dot > $0 ? dot : nil } ?? dot }
        let stem = dot.map { String(path[..<$0]) } ?? path
        let ext = dot.map { String(path[$0...]) } ?? ""
        return (0..<fileCount).map { "\(stem)-\($0)\(ext)" }
    }

    /// Generates every record of `generator` into the files and reports what was written.
    @discardableResult
    public func write(_ generator: WorkloadGenerator) throws(DriftwatchError) -> WorkloadWriteSummary {
        guard (1...256).contains(fileCount) else {
            throw DriftwatchError(.invalidArgument, "file count must be in 1...256, got \(fileCount)")
        }
        var generator = generator
        let paths = self.paths
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        for path in paths {
            let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
            let fd = open(path, flags, 0o644)
            guard fd >= 0 else {
                throw DriftwatchError(.io, "cannot open \(path) for writing: \(String(cString: strerror(errno)))")
            }
            descriptors.append(fd)
        }
        let threshold = max(bufferSize / fileCount, 1 << 16)
        let encoders = paths.map { _ in RecordLineEncoder(buffer: ByteBuffer(capacity: threshold + 8192)) }
        var files = paths.map { WorkloadWriteSummary.File(path: $0, records: 0, bytes: 0) }
        var next = 0
        while generator.appendNextLine(with: encoders[next]) {
            let buffer = encoders[next].buffer
            files[next].records += 1
            if buffer.count >= threshold {
                files[next].bytes += buffer.count
                try flush(buffer, to: descriptors[next], path: paths[next])
            }
            next += 1
            if next == fileCount { next = 0 }
        }
        for i in paths.indices where encoders[i].buffer.count > 0 {
            files[i].bytes += encoders[i].buffer.count
            try flush(encoders[i].buffer, to: descriptors[i], path: paths[i])
        }
        return WorkloadWriteSummary(files: files)
    }

    private func flush(_ buffer: ByteBuffer, to fd: Int32, path: String) throws(DriftwatchError) {
        var offset = 0
        while offset < buffer.count {
            let n = systemWrite(fd, buffer.base + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw DriftwatchError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        buffer.count = 0
    }
}

/// What a ``WorkloadWriter`` wrote.
public struct WorkloadWriteSummary: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var records: Int
        public var bytes: Int
    }

    public var files: [File]
    public var records: Int { files.reduce(0) { $0 + $1.records } }
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}
