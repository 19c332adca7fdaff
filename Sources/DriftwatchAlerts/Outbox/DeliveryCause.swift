import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One short phrase for why a delivery failed (`connection refused`, `host not found`, `TLS handshake failed:
/// certificate verify failed`, `timed out after 10s`, `HTTP 400: <body>`), instead of SwiftNIO's error dumps, which
/// are unreadable in a log line and in `driftwatch alerts outbox`.
enum DeliveryCause {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first { return describe(failure.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "host not found (DNS lookup of \(error.host) failed)" }
            return "connection failed"
        case let error as IOError:
            return describe(errno: error.errnoCode)
        case let error as ChannelError:
            switch error {
            case .connectTimeout(let amount): return "connect timed out after \(amount.nanoseconds / 1_000_000)ms"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .inputClosed, .outputClosed: return "connection closed by the server"
            default: return oneLine("\(error)")
            }
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let inner): return "TLS handshake failed: " + tlsReason(inner)
            case .uncleanShutdown: return "TLS connection closed uncleanly"
            default: return "TLS: " + oneLine("\(error)")
            }
        case let error as BoringSSLError:
            return "TLS: " + tlsReason(error)
        case let error as NIOSSLExtraError:
            return "TLS: " + oneLine("\(error)")
        default:
            return oneLine("\(error)")
        }
    }

    static func describe(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset by the server"
        case ETIMEDOUT: return "connection timed out"
        case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
        case EPIPE: return "connection closed by the server"
        default: return oneLine(String(cString: strerror(code)))
        }
    }

    /// BoringSSL's error stack names the reason in capitals (`CERTIFICATE_VERIFY_FAILED`): that name, readable.
    static func tlsReason(_ error: BoringSSLError) -> String {
        let text = "\(error)"
        for (marker, reason) in [("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"), ("WRONG_VERSION_NUMBER", "the server does not speak TLS"),
                                 ("SSLV3_ALERT_HANDSHAKE_FAILURE", "the server refused the handshake"),
                                 ("TLSV1_ALERT_PROTOCOL_VERSION", "no common TLS version")] where text.contains(marker) {
            return reason
        }
        return oneLine(text)
    }

    /// The first 200 bytes of a response body, on one line (an HTML error page is mostly noise after that).
    static func body(_ bytes: [UInt8]) -> String {
        let text = oneLine(String(decoding: bytes.prefix(200), as: UTF8.self))
        return bytes.count > 200 ? text + "…" : text
    }

    static func oneLine(_ text: String, limit: Int = 200) -> String {
        let flat = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}
