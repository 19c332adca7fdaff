extension RecordReader {
    /// `slices`: an object of string, number or bool values, kept in line order. A repeated key keeps
    /// its first position and its last value; a `null` value removes the key.
    static func readSlices(_ s: inout JSONScanner) throws(RecordDecodingError) -> [Slice] {
        if s.consumeNull() { return [] }
        try s.beginObject(depth: 2, at: { "slices" })
        var out: [Slice] = []
        // Built only past a few keys, so a hostile line with many keys stays linear.
        var index: [String: Int] = [:]
        // Tombstones for keys removed by `null`, allocated only if that happens.
        var removed: [Bool] = []
        var first = true
        while true {
            let keySpan: StringSpan
            let key: String
            if let short = s.nextShortASCIIKey(&first) {
                (key, keySpan) = short
            } else {
                guard let span = try s.nextKey(&first, at: { "slices" }) else { break }
                keySpan = span
                key = s.makeString(span)
            }
            let value = try readSliceValue(&s, key: keySpan)

            var existing: Int?
            if out.count <= 8 {
                // Comparing lengths first keeps the usual all-distinct keys off String's slow compare.
                let length = key.utf8.count
                existing = out.firstIndex { $0.key.utf8.count == length && $0.key == key }
            } else {
                if index.isEmpty {
                    for (i, slice) in out.enumerated() { index[slice.key] = i }
                }
                existing = index[key]
            }
            if let i = existing {
                if let value {
                    out[i].value = value
                    if !removed.isEmpty { removed[i] = false }
                } else {
                    if removed.isEmpty { removed = Array(repeating: false, count: out.count) }
                    removed[i] = true
                }
            } else if let value {
                if out.isEmpty { out.reserveCapacity(4) }
                out.append(Slice(key: key, value: value))
                if !removed.isEmpty { removed.append(false) }
                if !index.isEmpty { index[key] = out.count - 1 }
            }
        }
        if removed.contains(true) {
            var kept: [Slice] = []
            for (i, slice) in out.enumerated() where !removed[i] { kept.append(slice) }
            return kept
        }
        return out
    }

    /// One slice value, or nil for `null`.
    @inline(__always)
    static func readSliceValue(_ s: inout JSONScanner, key: StringSpan) throws(RecordDecodingError) -> SliceValue? {
        let base = s.base
        guard s.pos < s.count else {
            throw s.syntaxError({ "slices." + JSONScanner.makeString(base: base, span: key) }, expected: "a value")
        }
        switch s.base[s.pos] {
        case UInt8(ascii: "\""):
            if let v = s.readShortASCIIString() { return .string(v) }
            return .string(try s.readString(at: { "slices." + JSONScanner.makeString(base: base, span: key) }))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return .bool(try s.readBool(at: { "slices." + JSONScanner.makeString(base: base, span: key) }))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let v = s.readPlainDouble() { return .number(v) }
            return .number(try s.readDouble(at: { "slices." + JSONScanner.makeString(base: base, span: key) }))
        default:
            if s.consumeNull() { return nil }
            throw s.typeMismatch("a string, number or boolean", { "slices." + JSONScanner.makeString(base: base, span: key) })
        }
    }
}
