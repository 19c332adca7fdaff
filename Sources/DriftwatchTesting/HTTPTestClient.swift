import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a blocking socket, run on a Dispatch thread so it never blocks
/// the Swift concurrency pool the server's handlers run on.
public struct HTTPTestClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public let port: Int

    public init(port: Int) { self.port = port }

    public func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> Response {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Response, any Error>) in
            DispatchQueue.global().async {
                c.resume(with: Result { try self.blockingRequest(method, path, headers: headers, body: body) })
            }
        }
    }

    private func blockingRequest(_ method: String, _ path: String, headers: [String: String], body: [UInt8]) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw Failure(description: "connect to port \(port) failed: errno \(errno)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        var hasLength = false
        for (k, v) in headers {
            head += "\(k): \(v)\r\n"
            if k.lowercased() == "content-length" { hasLength = true }
        }
        if !hasLength { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let out = Array(head.utf8) + body
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }  // the server may answer (413) and close before reading everything
            sent += n
        }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buf[0..<n]
            if let r = Self.parse(data), r.complete { return r.response }
        }
        guard let r = Self.parse(data) else { throw Failure(description: "no HTTP response (\(data.count) bytes)") }
        return r.response
    }

    private static func parse(_ data: [UInt8]) -> (response: Response, complete: Bool)? {
        let sep: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, data.count - 3)).first(where: { Array(data[$0..<$0 + 4]) == sep }) else { return nil }
        let lines = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = Array(data[(end + 4)...])
        let length = headers["content-length"].flatMap(Int.init)
        return (Response(status: status, headers: headers, body: length.map { Array(body.prefix($0)) } ?? body), length.map { body.count >= $0 } ?? false)
    }
}
