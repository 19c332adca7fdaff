import Foundation

/// Count arrays in snapshots as LEB128 varints in one `Data` (base64 in JSON): dense histograms are
/// mostly zeros, which then take one byte each, and decoding is a byte loop instead of one Codable
/// call per number, which kept restoring a large state from taking seconds.
enum CountCoding {
    static func encode(_ counts: [UInt32]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count + 8)
        for count in counts {
            var v = count
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        return Data(bytes)
    }

    static func decode(_ data: Data) throws -> [UInt32] {
        var counts: [UInt32] = []
        counts.reserveCapacity(data.count)
        var value: UInt32 = 0
        var shift: UInt32 = 0
        for byte in data {
            guard shift < 32 else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "count varint too long")) }
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                counts.append(value)
                value = 0
                shift = 0
            } else {
                shift += 7
            }
        }
        guard shift == 0 else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "truncated count varint")) }
        return counts
    }
}

extension NumericHistogram {
    enum CodingKeys: String, CodingKey { case lowKey, counts, total, sum }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        lowKey = try c.decode(Int32.self, forKey: .lowKey)
        counts = try CountCoding.decode(try c.decode(Data.self, forKey: .counts))
        total = try c.decode(Int.self, forKey: .total)
        sum = try c.decode(Double.self, forKey: .sum)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lowKey, forKey: .lowKey)
        try c.encode(CountCoding.encode(counts), forKey: .counts)
        try c.encode(total, forKey: .total)
        try c.encode(sum, forKey: .sum)
    }
}

extension ScopeCounts {
    enum CodingKeys: String, CodingKey { case records, categorical, numeric, documents, quality }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        records = try c.decode(Int.self, forKey: .records)
        categorical = try c.decode([Data].self, forKey: .categorical).map(CountCoding.decode)
        numeric = try c.decode([NumericHistogram].self, forKey: .numeric)
        documents = try CountCoding.decode(try c.decode(Data.self, forKey: .documents))
        quality = try c.decode(QualityTable.self, forKey: .quality)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(records, forKey: .records)
        try c.encode(categorical.map(CountCoding.encode), forKey: .categorical)
        try c.encode(numeric, forKey: .numeric)
        try c.encode(CountCoding.encode(documents), forKey: .documents)
        try c.encode(quality, forKey: .quality)
    }
}
