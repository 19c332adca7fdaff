import DriftwatchCore
import Yams

extension ConfigurationLoader {
    func readFleet(_ node: Node, reader: NodeReader) throws -> DriftwatchConfiguration.FleetSettings {
        var settings = DriftwatchConfiguration.FleetSettings()
        let fields = try reader.mapping(node, path: "fleet")
        try reader.allowOnly(fields, keys: ["url_env", "node", "interval", "lease_ttl", "local_alerts"], path: "fleet")
        if let n = fields["url_env"] {
            if reader.isOff(n) {
                settings.urlEnvironmentVariable = nil
            } else {
                let name = try reader.string(n, path: "fleet.url_env")
                // The URL is read from the variable when used, so `config defaults` works where it is not set.
                guard name.first.map({ $0.isLetter || $0 == "_" }) == true, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw reader.error(n, path: "fleet.url_env", "expected the name of an environment variable (letters, digits, _) such as DRIFTWATCH_FLEET_URL, got \"\(name)\"; the URL itself goes in that variable")
                }
                settings.urlEnvironmentVariable = name
            }
        }
        if let n = fields["node"] {
            let name = try reader.string(n, path: "fleet.node")
            guard name.count <= 200, name.allSatisfy({ !$0.isNewline && $0 != "\u{1E}" && $0 != "\u{1F}" }) else {
                throw reader.error(n, path: "fleet.node", "expected a node name of at most 200 characters on one line, got \"\(name)\"")
            }
            settings.node = name
        }
        if let n = fields["interval"] { settings.intervalMillis = Int(try reader.duration(n, path: "fleet.interval") / 1000) }
        if let n = fields["lease_ttl"] {
            let millis = Int(try reader.duration(n, path: "fleet.lease_ttl") / 1000)
            guard millis >= 1000 else { throw reader.error(n, path: "fleet.lease_ttl", "expected at least 1s (the central renews it every fleet.interval)") }
            settings.leaseTTLMillis = millis
        }
        if let n = fields["local_alerts"] { settings.localAlerts = try reader.bool(n, path: "fleet.local_alerts") }
        return settings
    }
}
