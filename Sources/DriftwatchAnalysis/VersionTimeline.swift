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

    /// Entries by slot; a slot is resolved once per distinct record shape (see ``ScopeResolver``), so a record
    /// costs an array update per version it carries, not a string build and hash.
    private var slots: [Entry] = []
    private var slotOf: [Key: Int] = [:]
    private var isDirty: [Bool] = []
    private var dirty: [Int] = []

    public init() {}

    public var all: [Entry] { slots.filter { $0.requests > 0 }.sorted { ($0.component, $0.firstSeenMicros, $0.version) < ($1.component, $1.firstSeenMicros, $1.version) } }

    public func entry(component: String, version: String) -> Entry? {
        guard let slot = slotOf[Key(component: component, version: version)], slots[slot].requests > 0 else { return nil }
        return slots[slot]
    }

    /// When the component was first seen in any version.
    public func earliestFirstSeen(component: String) -> Int64? {
        slots.filter { $0.component == component && $0.requests > 0 }.map(\.firstSeenMicros).min()
    }

    /// The slot of a component version, created empty (not yet seen) when new.
    mutating func slot(_ component: String, _ version: String) -> Int {
        let key = Key(component: component, version: version)
        if let slot = slotOf[key] { return slot }
        slotOf[key] = slots.count
        slots.append(Entry(component: component, version: version, firstSeenMicros: .max, lastSeenMicros: .min, requests: 0))
        isDirty.append(false)
        return slots.count - 1
    }

    mutating func see(slot: Int, at t: Int64) {
        if t < slots[slot].firstSeenMicros { slots[slot].firstSeenMicros = t }
        if t > slots[slot].lastSeenMicros { slots[slot].lastSeenMicros = t }
        slots[slot].requests += 1
        if !isDirty[slot] {
            isDirty[slot] = true
            dirty.append(slot)
        }
    }

    mutating func see(_ component: String, _ version: String, at t: Int64) {
        see(slot: slot(component, version), at: t)
    }

    /// Sets a component version's span as of now: the fleet view's sightings, bucket by bucket.
    mutating func set(_ entry: Entry) {
        let slot = slot(entry.component, entry.version)
        slots[slot] = entry
        if !isDirty[slot] {
            isDirty[slot] = true
            dirty.append(slot)
        }
    }

    mutating func restore(_ entry: Entry) {
        slots[slot(entry.component, entry.version)] = entry
    }

    mutating func takeDirty() -> [Entry] {
        let out = dirty.map { slots[$0] }.sorted { ($0.component, $0.version) < ($1.component, $1.version) }
        for slot in dirty { isDirty[slot] = false }
        dirty.removeAll(keepingCapacity: true)
        return out
    }

    public static func == (lhs: VersionTimeline, rhs: VersionTimeline) -> Bool { lhs.all == rhs.all }
}
