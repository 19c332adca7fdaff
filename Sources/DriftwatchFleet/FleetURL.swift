import DriftwatchCore
import Foundation
import NIOSSL
public import PostgresNIO

/// A `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]` URL, parsed into the
/// client's configuration. `sslmode` is `prefer` by default (TLS when the server offers it); `require` fails
/// rather than talk in the clear. The password never appears in ``endpoint`` (what logs and errors show).
public struct FleetURL: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: String

    /// `host:port/database`, without credentials.
    public var endpoint: String { "\(host):\(port)/\(database ?? username)" }

    public init(_ text: String, source: String = "the fleet URL") throws {
        func invalid(_ why: String) -> DriftwatchError {
            DriftwatchError(.invalidConfig, "\(source): \(why); expected postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]")
        }
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw invalid("not a postgres:// URL")
        }
        guard let host = url.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = url.user, !user.isEmpty else { throw invalid("no user name") }
        self.host = host
        self.port = url.port ?? 5432
        self.username = user  // URLComponents decodes percent escapes
        self.password = url.password
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        self.database = path.isEmpty ? nil : path
        self.sslMode = "prefer"
        for item in url.queryItems ?? [] {
            guard item.name == "sslmode" else { throw invalid("unknown parameter \"\(item.name)\"") }
            guard let mode = item.value, ["disable", "prefer", "require"].contains(mode) else {
                throw invalid("sslmode \"\(item.value ?? "")\" is not disable, prefer or require")
            }
            self.sslMode = mode
        }
    }

    /// The client configuration: a small pool (a sidecar ships from one task; the central view reads with one).
    public var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(TLSConfiguration.makeClientConfiguration())
        default: tls = .prefer(TLSConfiguration.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = 4
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
