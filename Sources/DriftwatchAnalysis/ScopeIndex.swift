/// Interns scopes as small integers so per-record work indexes arrays instead of hashing strings per table.
public struct ScopeIndex: Sendable {
    public private(set) var keys: [ScopeKey] = []
    private var ids: [ScopeKey: Int] = [:]

    public init() {}

    public mutating func id(_ key: ScopeKey) -> Int {
        if let id = ids[key] { return id }
        ids[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    public func existingID(_ key: ScopeKey) -> Int? { ids[key] }

    public var count: Int { keys.count }
}
