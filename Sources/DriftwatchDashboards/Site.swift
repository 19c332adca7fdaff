import DriftwatchAnalysis

/// What pages a rendering writes and where they are, so every link between them is relative and points to a
/// page that exists (a directory of static files opened from disk or served by any web server).
struct Site: Sendable {
    /// Navigation entries (definition id, title), in order.
    var navigation: [(id: String, title: String)]
    var variants: [RangeVariant]
    /// Ids of the incidents that get a page.
    var incidentIDs: Set<String>
    /// Versioned dimensions with data in the snapshot: each gets a page per range.
    var versionDimensions: [String]
    /// The page with the task × slice heatmap, if any (incident pages link to it).
    var slicesPage: String?
    /// The page with version panels, if any (version pages mark it in the navigation).
    var versionsPage: String?
    var newestMicros: Int64

    init(definitions: [DashboardDefinition], snapshot: DashboardSnapshot, variants: [RangeVariant]) {
        navigation = definitions.map { ($0.id, $0.title) }
        self.variants = variants
        incidentIDs = Set(snapshot.incidents.map(\.id))
        versionDimensions = Array(Set(snapshot.rollups.map(\.scope.dimension).filter { Dimension.versioned.contains($0) })).sorted()
        slicesPage = definitions.first { d in d.panels.contains { $0.kind == .heatmap && $0.dimension == "slices" } }?.id
        versionsPage = definitions.first { d in d.panels.contains { $0.kind == .versions } }?.id
        newestMicros = snapshot.dataThroughMicros ?? snapshot.generatedAtMicros
    }

    /// Where a page is: its range and its path inside that range's directory.
    struct Location: Sendable {
        var variant: RangeVariant?
        /// E.g. `overview.html`, `versions/model_version.html`, `incidents/inc-1.html` (incident pages have no range).
        var path: String

        /// The relative prefix from this page to the output root (`""`, `../` or `../../`).
        var toRoot: String {
            String(repeating: "../", count: ((variant?.directory ?? "") + path).filter { $0 == "/" }.count)
        }

        /// The relative prefix from this page to its range's directory (for incident pages: the configured one).
        var toRange: String { toRoot + (variant?.directory ?? "") }
    }

    /// The file of an incident's page (the id percent-encoded: ids come from stored data).
    static func incidentFile(_ id: String) -> String { "incidents/" + HTML.percentEncode(id) + ".html" }

    static func versionPath(_ dimension: String) -> String { "versions/" + HTML.percentEncode(dimension) + ".html" }

    /// A relative URL for a path of files: each segment percent-encoded once more, since the file names are
    /// already encoded and a browser decodes the URL once before opening the file.
    static func href(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { HTML.percentEncode(String($0)) }.joined(separator: "/")
    }

    /// The element id of a task's section on a version page.
    static func taskAnchor(_ task: String) -> String { "task-" + HTML.percentEncode(task) }

    /// The versioned dimensions that belong to an attributed component (`model`, `wrapper`, `retrieval`, `tools`).
    static func dimensions(ofComponent component: String) -> [String] {
        switch component {
        case "model": return [Dimension.model, Dimension.dataset, Dimension.evalSuite]
        case "wrapper": return [Dimension.template, Dimension.validator]
        case "retrieval": return [Dimension.index]
        case "tools": return [Dimension.tool]
        default: return []
        }
    }

    /// The range to send a reader to for a time: the shortest whose pages still show it.
    func variant(showing micros: Int64) -> RangeVariant {
        variants.sorted { $0.micros < $1.micros }.first { newestMicros - $0.micros <= micros } ?? variants.max { $0.micros < $1.micros }!
    }
}
