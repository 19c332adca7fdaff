import DriftwatchCore
import Yams

extension ConfigurationLoader {
    /// Reads the `dashboards:` section.
    ///
    ///     dashboards:
    ///       out: /var/www/driftwatch      # off: no dashboards under run
    ///       definitions: ./Dashboards     # default: the shipped definitions
    ///       interval: 1m
    func readDashboards(_ node: Node, reader: NodeReader) throws -> DriftwatchConfiguration.DashboardSettings {
        var settings = DriftwatchConfiguration.DashboardSettings()
        let fields = try reader.mapping(node, path: "dashboards")
        try reader.allowOnly(fields, keys: ["out", "definitions", "interval"], path: "dashboards")
        if let n = fields["out"] { settings.outputDirectory = reader.isOff(n) ? nil : try reader.string(n, path: "dashboards.out") }
        if let n = fields["definitions"] { settings.definitionsDirectory = try reader.string(n, path: "dashboards.definitions") }
        if let n = fields["interval"] { settings.intervalMillis = Int(try reader.duration(n, path: "dashboards.interval") / 1000) }
        return settings
    }
}
