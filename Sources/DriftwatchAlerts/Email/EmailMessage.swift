import DriftwatchCore
public import Foundation

/// An alert email as stored in the outbox: the MIME envelope is built at send time from these fields, which
/// are fixed at enqueue time (so a retried message keeps its Message-ID).
public struct EmailMessage: Sendable, Equatable, Codable {
    public var subject: String
    public var text: String
    public var html: String
    /// Without angle brackets.
    public var messageID: String
    /// The thread this message belongs to (one per incident, or per alert group): In-Reply-To and References.
    public var threadID: String

    enum CodingKeys: String, CodingKey {
        case subject, text, html
        case messageID = "message_id"
        case threadID = "thread_id"
    }

    public init(subject: String, text: String, html: String, messageID: String, threadID: String) {
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.threadID = threadID
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public init(json: String) throws { self = try JSONDecoder().decode(Self.self, from: Data(json.utf8)) }

    /// The full RFC 5322 message: headers and a multipart/alternative body (plain text, then HTML), CRLF line
    /// ends, quoted-printable parts so long lines and non-ASCII survive any relay.
    public func mime(from: String, to: [String], date: Date = Date()) -> String {
        let boundary = "dw-" + String(SHA256.hash(Array(messageID.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined())
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var lines = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodeHeader(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>",
            "In-Reply-To: <\(threadID)>",
            "References: <\(threadID)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            Self.quotedPrintable(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            Self.quotedPrintable(html),
            "--\(boundary)--",
            "",
        ]
        // SMTP transparency (RFC 5321 §4.5.2) is applied by the client; here only line ends are normalised.
        lines = lines.map { $0.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n") }
        return lines.joined(separator: "\r\n")
    }

    /// RFC 2047 encoded-word when the header has non-ASCII text.
    static func encodeHeader(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return text }
        return "=?utf-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    static func quotedPrintable(_ text: String) -> String {
        var out: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let piece: String
                if (byte >= 33 && byte <= 126 && byte != 61) || (byte == 32 && !isLast) {
                    piece = String(UnicodeScalar(byte))
                } else {
                    piece = String(format: "=%02X", byte)
                }
                if current.count + piece.count > 75 {
                    out.append(current + "=")
                    current = ""
                }
                current += piece
            }
            out.append(current)
        }
        return out.joined(separator: "\r\n")
    }
}
