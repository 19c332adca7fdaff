/// Interns strings to small integer ids, up to a cap: id 0 is `__other__`, where every value past
/// the cap is counted, so a feature's memory stays bounded whatever the logs contain.
struct Vocabulary: Sendable, Equatable, Codable {
    static let other = "__other__"

    private(set) var values: [String] = [Vocabulary.other]
    let cap: Int
    /// The authoritative index (Swift string equality: canonically equivalent strings are one value).
    private var ids: [String: Int32] = [:]
    /// The same ids by exact UTF-8 bytes, checked first: a hit is a value `ids` holds, so it only saves
    /// the SipHash of the lookup; a miss falls back to `ids`.
    private var fast = StringIDTable()

    init(cap: Int) {
        self.cap = cap
    }

    enum CodingKeys: String, CodingKey { case values, cap }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        values = try container.decode([String].self, forKey: .values)
        cap = try container.decode(Int.self, forKey: .cap)
        for (i, value) in values.enumerated() where i > 0 {
            ids[value] = Int32(i)
            fast.insert(value, id: Int32(i), hash: StringIDTable.hash(value))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(values, forKey: .values)
        try container.encode(cap, forKey: .cap)
    }

    static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.values == rhs.values && lhs.cap == rhs.cap }

    var count: Int { values.count }

    /// The id of `value`, adding it while there is room.
    @inline(__always)
    mutating func id(_ value: String) -> Int32 {
        let hash = StringIDTable.hash(value)
        if let id = fast.find(value, hash: hash) { return id }
        if let id = ids[value] { return id }
        guard values.count <= cap else { return 0 }
        let id = Int32(values.count)
        values.append(value)
        ids[value] = id
        fast.insert(value, id: id, hash: hash)
        return id
    }

    /// The id of `value` if it was interned.
    func existingID(_ value: String) -> Int32? { ids[value] }

    subscript(id: Int32) -> String { values[Int(id)] }
}
