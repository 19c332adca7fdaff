import DriftwatchCore
import Yams

extension ConfigurationLoader {
    /// Reads the `dashboards:` section.
    ///
    ///     dashboards:
    ///       out: /var/www/driftwatch      # off: no dashboards under run
    ///       definitions: ./Dashboards     # default: the shipped definitions
    ///       interval: 1m
    ///       range: 7d                     # every page's time range
    func readDashboards(_ node: Node, reader: NodeReader) throws -> DriftwatchConfiguration.DashboardSettings {
        var settings = DriftwatchConfiguration.DashboardSettings()
        let fields = try reader.mapping(node, path: "dashboards")
        try reader.allowOnly(fields, keys: ["out", "definitions", "interval", "range"], path: "dashboards")
        if let n = fields["out"] { settings.outputDirectory = reader.isOff(n) ? nil : try reader.string(n, path: "dashboards.out") }
        if let n = fields["definitions"] { settings.definitionsDirectory = try reader.string(n, path: "dashboards.definitions") }
        if let n = fields["interval"] { settings.intervalMillis = Int(try reader.duration(n, path: "dashboards.interval") / 1000) }
        if let n = fields["range"] {
            let micros = try reader.duration(n, path: "dashboards.range")
            guard micros >= 3_600_000_000 else {
                throw reader.error(n, path: "dashboards.range", "must be at least 1h")
            }
            settings.rangeMicros = micros
        }
        return settings
    }
}
