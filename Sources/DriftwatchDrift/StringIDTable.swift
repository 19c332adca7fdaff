/// An open-addressing index from the exact UTF-8 bytes of strings to ``Vocabulary`` ids, in front of
/// the vocabulary's `Dictionary`. Counting looks up about ten strings per record (categories,
/// evidence documents, models, tasks); the dictionary's seeded SipHash alone was a tenth of the
/// drift detector's time, while a word-at-a-time hash of the bytes costs a few nanoseconds. A hit
/// compares strings with `==`, so it returns the id the dictionary would; a miss (a new value, or
/// a canonically equivalent spelling with other bytes) falls back to the dictionary. The hash is
/// seeded per process so keys cannot be crafted to collide, and the table is bounded by the cap.
struct StringIDTable: Sendable {
    /// One slot: the key itself (short keys are stored inline in the `String`, so a probe touches
    /// one cache line), its hash, and its id (0: empty; vocabularies index ids from 1).
    private struct Slot {
        var key: String
        var hash: UInt64
        var id: Int32
    }

    private var slots: [Slot]
    private var used = 0

    private static let seed = UInt64.random(in: .min ... .max)
    private static let empty = Slot(key: "", hash: 0, id: 0)

    init() {
        slots = Array(repeating: Self.empty, count: 16)
    }

    /// The id of `key`, if indexed.
    @inline(__always)
    func find(_ key: String, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[i].id
            if id == 0 { return nil }
            if slots[i].hash == hash && slots[i].key == key { return id }
            i = (i + 1) & mask
        }
    }

    /// Indexes `key` (not indexed yet) with `id` (> 0) under `hash`.
    mutating func insert(_ key: String, id: Int32, hash: UInt64) {
        precondition(id > 0, "id 0 marks an empty slot")
        if (used + 1) * 2 > slots.count {
            let old = slots
            slots = Array(repeating: Self.empty, count: old.count * 2)
            for slot in old where slot.id != 0 { place(slot) }
        }
        place(Slot(key: key, hash: hash, id: id))
        used += 1
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[i].id != 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// A 64-bit hash of the bytes: word-at-a-time multiply–xorshift, finished with Murmur3's mixer.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
