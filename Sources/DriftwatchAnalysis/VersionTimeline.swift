/// When each version of each component was first and last seen: the deploy markers of the timeline.
public struct VersionTimeline: Sendable, Equatable {
    /// One component version's span.
    public struct Entry: Sendable, Equatable, Codable {
        /// `model:<name>`, `template:<id>`, `index`, `tool:<name>`, `release.dataset`, ...
        public var component: String
        public var version: String
        public var firstSeenMicros: Int64
        public var lastSeenMicros: Int64
        public var requests: Int64

        public init(component: String, version: String, firstSeenMicros: Int64, lastSeenMicros: Int64, requests: Int64) {
            self.component = component
            self.version = version
            self.firstSeenMicros = firstSeenMicros
            self.lastSeenMicros = lastSeenMicros
            self.requests = requests
        }

        enum CodingKeys: String, CodingKey {
            case component, version, requests
            case firstSeenMicros = "first_seen_us"
            case lastSeenMicros = "last_seen_us"
        }
    }

    struct Key: Hashable { var component: String; var version: String }

    private(set) var entries: [Key: Entry] = [:]
    private var dirty: Set<Key> = []

    public init() {}

    public var all: [Entry] { entries.values.sorted { ($0.component, $0.firstSeenMicros, $0.version) < ($1.component, $1.firstSeenMicros, $1.version) } }

    public func entry(component: String, version: String) -> Entry? { entries[Key(component: component, version: version)] }

    /// When the component was first seen in any version.
    public func earliestFirstSeen(component: String) -> Int64? {
        entries.values.filter { $0.component == component }.map(\.firstSeenMicros).min()
    }

    mutating func see(_ component: String, _ version: String, at t: Int64) {
        let key = Key(component: component, version: version)
        if var e = entries[key] {
            if t < e.firstSeenMicros { e.firstSeenMicros = t }
            if t > e.lastSeenMicros { e.lastSeenMicros = t }
            e.requests += 1
            entries[key] = e
        } else {
            entries[key] = Entry(component: component, version: version, firstSeenMicros: t, lastSeenMicros: t, requests: 1)
        }
        dirty.insert(key)
    }

    mutating func restore(_ entry: Entry) {
        entries[Key(component: entry.component, version: entry.version)] = entry
    }

    mutating func takeDirty() -> [Entry] {
        let out = dirty.compactMap { entries[$0] }.sorted { ($0.component, $0.version) < ($1.component, $1.version) }
        dirty.removeAll(keepingCapacity: true)
        return out
    }
}
