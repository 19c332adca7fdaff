import DriftwatchCore
import Foundation

/// Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
/// Secrets given as `whsec_<base64>` are decoded, as the convention specifies; any other text is used as raw bytes.
public enum WebhookSignature {
    public static func sign(id: String, timestamp: Int64, body: [UInt8], secret: String) -> String {
        let message = Array("\(id).\(timestamp).".utf8) + body
        let mac = HMACSHA256.authenticationCode(key: secretBytes(secret), message: message)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The key bytes of a secret.
    public static func secretBytes(_ secret: String) -> [UInt8] {
        if secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))) { return Array(data) }
        return Array(secret.utf8)
    }
}
