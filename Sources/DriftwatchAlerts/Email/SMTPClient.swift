import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A small SMTP submission client (RFC 5321) on swift-nio: STARTTLS (required unless the receiver says
/// `security: none`), implicit TLS for port 465, AUTH PLAIN or LOGIN only once the connection is encrypted,
/// dot-stuffed DATA. Replies 4xx and network failures are retryable; 5xx are not.
public struct SMTPClient: Sendable {
    let group: any EventLoopGroup

    public init() { group = MultiThreadedEventLoopGroup.singleton }

    struct Failure: Error {
        var outcome: DeliveryOutcome
    }

    public func send(_ message: EmailMessage, with receiver: EmailReceiver) async -> DeliveryOutcome {
        do {
            try await deliver(message, receiver)
            return .delivered
        } catch let failure as Failure {
            return failure.outcome
        } catch {
            return .retryable(reason: "smtp: " + DeliveryCause.describe(error), retryAfter: nil)
        }
    }

    func tlsHandler(_ receiver: EmailReceiver) throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = receiver.caFile { configuration.trustRoots = .file(caFile) }
        if receiver.insecureSkipVerify { configuration.certificateVerification = .none }
        let context = try NIOSSLContext(configuration: configuration)
        let isAddress = receiver.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : receiver.host)
    }

    func deliver(_ message: EmailMessage, _ receiver: EmailReceiver) async throws {
        let timeout = TimeAmount.milliseconds(max(receiver.timeout.milliseconds, 1))
        let recorder = TLSFailureRecorder()
        let implicitTLS = receiver.security == .tls
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group).connectTimeout(timeout)
                .connect(host: receiver.host, port: receiver.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS {
                            let tls = try self.tlsHandler(receiver)
                            try channel.pipeline.syncOperations.addHandler(tls)
                            try channel.pipeline.syncOperations.addHandler(recorder, position: .after(tls))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(outcome: .retryable(reason: "smtp connect: " + DeliveryCause.describe(error), retryAfter: nil))
        }
        let timedOut = Atomic<Bool>(false)
        let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) {
            timedOut.store(true, ordering: .relaxed)
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await converse(channel, message, receiver, implicitTLS: implicitTLS, recorder: recorder)
        } catch {
            // A failed handshake closes the channel; a pending write or read may then report only the close.
            if let tlsError = recorder.error {
                throw Failure(outcome: .retryable(reason: "smtp: " + DeliveryCause.describe(tlsError), retryAfter: nil))
            }
            if timedOut.load(ordering: .relaxed) {
                throw Failure(outcome: .retryable(reason: "smtp: no reply within \(DurationText.format(receiver.timeout))", retryAfter: nil))
            }
            throw error
        }
    }

    private func converse(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ message: EmailMessage, _ receiver: EmailReceiver,
                          implicitTLS: Bool, recorder: TLSFailureRecorder) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var session = SMTPSession(iterator: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.expect(220, "greeting")
            var extensions = try await session.hello(receiver.helloName)
            var encrypted = implicitTLS
            if receiver.security == .starttls {
                guard extensions.contains("STARTTLS") else {
                    throw Failure(outcome: .permanent(reason: "smtp server \(receiver.host) does not offer STARTTLS, which is required"))
                }
                try await session.command("STARTTLS", expect: 220)
                try await channel.channel.eventLoop.submit {
                    let tls = try self.tlsHandler(receiver)
                    try channel.channel.pipeline.syncOperations.addHandler(tls, position: .first)
                    try channel.channel.pipeline.syncOperations.addHandler(recorder, position: .after(tls))
                }.get()
                encrypted = true
                extensions = try await session.hello(receiver.helloName)
            }
            if let username = receiver.username {
                guard encrypted else {
                    throw Failure(outcome: .permanent(reason: "smtp AUTH refused over an unencrypted connection; use security: starttls or tls"))
                }
                let password = receiver.password?.value ?? ""
                let mechanisms = extensions.first { $0.hasPrefix("AUTH") }?.split(separator: " ").dropFirst().map { $0.uppercased() } ?? []
                if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                    let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                    try await session.command("AUTH PLAIN " + token, expect: 235, redacted: "AUTH PLAIN")
                } else {
                    try await session.command("AUTH LOGIN", expect: 334)
                    try await session.command(Data(username.utf8).base64EncodedString(), expect: 334, redacted: "AUTH LOGIN user")
                    try await session.command(Data(password.utf8).base64EncodedString(), expect: 235, redacted: "AUTH LOGIN password")
                }
            }
            try await session.command("MAIL FROM:<\(Self.address(receiver.from))>", expect: 250)
            for recipient in receiver.to { try await session.command("RCPT TO:<\(Self.address(recipient))>", expect: 250, alsoOK: 251) }
            try await session.command("DATA", expect: 354)
            let mime = message.mime(from: receiver.from, to: receiver.to)
            let stuffed = mime.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            try await session.command(stuffed + "\r\n.", expect: 250, redacted: "message body")
            try? await session.command("QUIT", expect: 221)
        }
    }

    /// The bare address of `Name <addr@host>` or `addr@host`.
    static func address(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[text.index(after: open)..<close])
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}

/// Keeps the first TLS error that passes through the pipeline, so the delivery reports the handshake failure
/// rather than the connection close that follows it (which one the conversation sees first is a race).
final class TLSFailureRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let first = Mutex<(any Error)?>(nil)

    var error: (any Error)? { first.withLock { $0 } }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError {
            first.withLock { if $0 == nil { $0 = error } }
        }
        context.fireErrorCaught(error)
    }
}

/// The line-level conversation: commands out, multi-line replies in.
struct SMTPSession {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var pending: [UInt8] = []

    mutating func readLine() async throws -> String {
        while true {
            if let newline = pending.firstIndex(of: 0x0a) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == 0x0d { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard let buffer = try await iterator.next() else {
                throw SMTPClient.Failure(outcome: .retryable(reason: "smtp connection closed by the server", retryAfter: nil))
            }
            pending += buffer.readableBytesView
        }
    }

    /// Reads one reply: its code and the text of each line.
    mutating func reply() async throws -> (Int, [String]) {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
                throw SMTPClient.Failure(outcome: .retryable(reason: "smtp: malformed reply \"\(line.prefix(80))\"", retryAfter: nil))
            }
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") { return (code, lines) }
        }
    }

    mutating func expect(_ code: Int, _ what: String, alsoOK: Int? = nil) async throws {
        let (got, lines) = try await reply()
        guard got == code || got == alsoOK else {
            let reason = "smtp \(what): expected \(code), got \(got) \(lines.joined(separator: " ").prefix(200))"
            throw SMTPClient.Failure(outcome: (400..<500).contains(got) ? .retryable(reason: reason, retryAfter: nil) : .permanent(reason: reason))
        }
    }

    mutating func command(_ text: String, expect code: Int, alsoOK: Int? = nil, redacted: String? = nil) async throws {
        try await outbound.write(ByteBuffer(string: text + "\r\n"))
        try await expect(code, redacted ?? String(text.prefix(40)), alsoOK: alsoOK)
    }

    /// EHLO; returns the advertised extensions (upper-cased keywords with their parameters).
    mutating func hello(_ name: String) async throws -> [String] {
        try await outbound.write(ByteBuffer(string: "EHLO \(name)\r\n"))
        let (code, lines) = try await reply()
        guard code == 250 else {
            throw SMTPClient.Failure(outcome: .permanent(reason: "smtp EHLO refused: \(code) \(lines.joined(separator: " "))"))
        }
        return lines.dropFirst().map { $0.uppercased() }
    }
}
