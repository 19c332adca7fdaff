import DriftwatchCore
import DriftwatchFleet
import Foundation
public import Logging

/// What `driftwatch status --fleet` prints: every node that shipped to the fleet store, its counts (records, dead
/// letters, duplicates skipped), how far its analysis got and when it last shipped; the totals over the fleet.
public struct FleetStatusReport: Sendable, Encodable {
    public struct Node: Sendable, Encodable {
        public var node: String
        public var records: Int64
        public var deadLetters: Int64
        public var duplicates: Int64
        public var analysedThrough: String?
        public var shippedAt: String
        public var shipments: Int64

        enum CodingKeys: String, CodingKey {
            case node, records, duplicates, shipments
            case deadLetters = "dead_letters"
            case analysedThrough = "analysed_through"
            case shippedAt = "shipped_at"
        }
    }

    public var store: String
    public var nodes: [Node]
    public var records: Int64
    public var deadLetters: Int64
    public var duplicates: Int64

    enum CodingKeys: String, CodingKey {
        case store, nodes, records, duplicates
        case deadLetters = "dead_letters"
    }

    public static func make(configuration: DriftwatchConfiguration, logger: Logger, timeout: Duration = .seconds(120)) async throws -> FleetStatusReport {
        let url = try FleetShipping.url(configuration.fleet)
        let nodes = try await FleetStore.withStore(url: url, logger: logger) { fleet in
            try await withTimeout(timeout, what: "reading the fleet store at \(url.endpoint)") {
                try await fleet.appliedSchemaVersion() > 0 ? fleet.nodes() : []
            }
        }
        let rows = nodes.map {
            Node(node: $0.node, records: $0.records, deadLetters: $0.deadLetters, duplicates: $0.duplicates,
                 analysedThrough: $0.watermarkMicros.map(RFC3339.format(micros:)), shippedAt: RFC3339.format(micros: $0.shippedAtMicros),
                 shipments: $0.shipments)
        }
        return FleetStatusReport(store: url.endpoint, nodes: rows, records: rows.map(\.records).reduce(0, +),
                                 deadLetters: rows.map(\.deadLetters).reduce(0, +), duplicates: rows.map(\.duplicates).reduce(0, +))
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines = ["fleet store   \(store): \(nodes.count) nodes"]
        for n in nodes {
            lines.append("  \(n.node): \(formatCount(n.records)) records, \(formatCount(n.deadLetters)) dead letters, \(formatCount(n.duplicates)) duplicates; analysed through \(n.analysedThrough ?? "nothing yet"); shipped \(n.shippedAt) (\(n.shipments) shipments)")
        }
        lines.append("total         \(formatCount(records)) records, \(formatCount(deadLetters)) dead letters, \(formatCount(duplicates)) duplicates")
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}
