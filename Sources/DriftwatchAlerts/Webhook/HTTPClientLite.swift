import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A minimal HTTP/1.1 POST client on swift-nio (and NIOSSL for https): one request per connection, a hard
/// deadline. Chosen over async-http-client to keep HTTP/2, compression and proxy support out of the build on the
/// 2-core CI machine: a webhook needs exactly one POST.
package struct HTTPClientLite: Sendable {
    package struct Response: Sendable {
        package var status: Int
        package var headers: [(String, String)]
        package var body: [UInt8]
        package func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    package struct Failure: Error, Sendable, CustomStringConvertible {
        package enum Kind: Sendable { case timeout, connection, invalidURL }
        package var kind: Kind
        package var message: String
        package var description: String { message }
    }

    let group: any EventLoopGroup

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) { self.group = group }

    package func post(url text: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Response {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host else {
            throw Failure(kind: .invalidURL, message: "invalid URL")
        }
        let tls = scheme == "https"
        let port = url.port ?? (tls ? 443 : 80)
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(max(timeout.milliseconds, 1)))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if tls {
                            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                            // SNI takes names only: an https URL with an IP address would otherwise never connect.
                            let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as ChannelError {
            if case .connectTimeout = error { throw Failure(kind: .timeout, message: "connect timed out after \(DurationText.format(timeout))") }
            throw Failure(kind: .connection, message: DeliveryCause.describe(error))
        } catch {
            throw Failure(kind: .connection, message: DeliveryCause.describe(error))
        }
        let timedOut = Atomic<Bool>(false)
        let deadline = channel.channel.eventLoop.scheduleTask(in: .milliseconds(max(timeout.milliseconds, 1))) {
            timedOut.store(true, ordering: .relaxed)
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var head = HTTPHeaders(headers)
                head.replaceOrAdd(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
                head.replaceOrAdd(name: "Content-Length", value: "\(body.count)")
                head.replaceOrAdd(name: "Connection", value: "close")
                // One write for the whole request, and a failed write is not the end: a receiver that answers
                // and closes as soon as it has the body can close the channel before a later write of ours
                // runs (seen under load as "I/O on closed channel" after the receiver had answered 200, which
                // made the notification go out twice). Its answer is then already in `inbound`: read it.
                var writeError: (any Error)?
                do {
                    try await outbound.write(contentsOf: [
                        .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: head)),
                        .body(.byteBuffer(ByteBuffer(bytes: body))),
                        .end(nil),
                    ])
                } catch {
                    writeError = error
                }
                var response = Response(status: 0, headers: [], body: [])
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        response.status = Int(head.status.code)
                        response.headers = head.headers.map { ($0.name, $0.value) }
                    case .body(let buffer):
                        response.body += buffer.readableBytesView
                    case .end:
                        return response
                    }
                }
                if let writeError { throw writeError }
                throw Failure(kind: .connection, message: "connection closed before the response ended")
            }
        } catch let failure as Failure {
            if timedOut.load(ordering: .relaxed) { throw Failure(kind: .timeout, message: "no response within \(DurationText.format(timeout))") }
            throw failure
        } catch {
            if timedOut.load(ordering: .relaxed) { throw Failure(kind: .timeout, message: "no response within \(DurationText.format(timeout))") }
            throw Failure(kind: .connection, message: DeliveryCause.describe(error))
        }
    }
}
