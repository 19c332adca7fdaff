@testable import DriftwatchAlerts
import DriftwatchTesting
import Foundation
import Testing

/// The SMTP client against aiosmtpd with STARTTLS required (self-signed certificate made here) and AUTH.
@Suite(.serialized) struct SMTPDeliveryTests {
    static func startServer(_ directory: TemporaryDirectory) async throws -> (ScriptServer, String) {
        let cert = directory.file("cert.pem"), key = directory.file("key.pem")
        try await offPool {
            try ProcessRunner.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
        }
        try FileManager.default.createDirectory(atPath: directory.file("mail"), withIntermediateDirectories: true)
        let server = try await ScriptServer.start(script: "smtp_server.py", portFile: directory.file("port"),
                                      arguments: [directory.file("mail"), cert, key, "alerts", "s3cret"])
        return (server, cert)
    }

    static func message() -> EmailMessage {
        EmailMessage(subject: "[FIRING:2] retrieval regression refund_question", text: "Firing:\n- a line\n.leading dot\n",
                     html: "<p>Firing</p>", messageID: "n-42@driftwatch", threadID: "incident-inc-7@driftwatch")
    }

    // 60 s bounds the whole exchange: generous, because every suite runs in parallel on 2 cores in CI.
    @Test func sendsMultipartMailOverStartTLSWithAuth() async throws {
        let directory = TemporaryDirectory()
        let (server, cert) = try await Self.startServer(directory)
        let receiver = EmailReceiver(to: ["oncall@example.com"], from: "Driftwatch <dw@example.com>", host: "localhost", port: server.port,
                                     security: .starttls, username: "alerts", password: Secret("s3cret"), caFile: cert, timeout: .seconds(60))
        let outcome = await SMTPClient().send(Self.message(), with: receiver)
        #expect(outcome == .delivered)
        let mail = try String(contentsOfFile: directory.file("mail/0.eml"), encoding: .utf8)
        #expect(mail.contains("X-Auth-User: alerts"))
        #expect(mail.contains("X-Envelope-To: oncall@example.com"))
        #expect(mail.contains("Subject: [FIRING:2] retrieval regression refund_question"))
        #expect(mail.contains("Message-ID: <n-42@driftwatch>"))
        #expect(mail.contains("In-Reply-To: <incident-inc-7@driftwatch>"))
        #expect(mail.contains("References: <incident-inc-7@driftwatch>"))
        #expect(mail.contains("multipart/alternative"))
        #expect(mail.contains("text/plain") && mail.contains("text/html"))
        #expect(mail.contains("\n.leading dot"), "dot-stuffing undone by the server")
    }

    @Test func wrongPasswordIsNotDeliveredAndAuthIsNeverSentInClear() async throws {
        let directory = TemporaryDirectory()
        let (server, cert) = try await Self.startServer(directory)
        var receiver = EmailReceiver(to: ["oncall@example.com"], from: "dw@example.com", host: "localhost", port: server.port,
                                     security: .starttls, username: "alerts", password: Secret("wrong"), caFile: cert, timeout: .seconds(10))
        // aiosmtpd holds a failed AUTH without answering; the client's deadline ends the attempt. Either way: not sent.
        receiver.timeout = .seconds(2)
        let rejected = await SMTPClient().send(Self.message(), with: receiver)
        #expect(rejected != .delivered)
        receiver.security = .none
        receiver.password = Secret("s3cret")
        guard case .permanent(let reason) = await SMTPClient().send(Self.message(), with: receiver) else {
            Issue.record("AUTH over plain text must be refused")
            return
        }
        #expect(reason.contains("unencrypted"))
        receiver.security = .starttls
        receiver.caFile = nil
        guard case .retryable(let untrusted, _) = await SMTPClient().send(Self.message(), with: receiver) else {
            Issue.record("an untrusted certificate fails the handshake (retryable)")
            return
        }
        #expect(untrusted == "smtp: TLS handshake failed: certificate verify failed", "one readable line, not an error dump")
        #expect(!FileManager.default.fileExists(atPath: directory.file("mail/0.eml")))
    }
}
