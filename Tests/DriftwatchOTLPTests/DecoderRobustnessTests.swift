import DriftwatchOTLP
import Testing

/// Property tests: hostile input never traps and always ends in an ``OTLPDecodingError``
/// with a code and a message, or in a successful decode.
@Suite struct DecoderRobustnessTests {
    /// SplitMix64, so failures reproduce.
    struct SeededRNG: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func everyProtobufTruncationDecodesOrFailsClearly() throws {
        let full = try FixtureLoader.bytes("three_conventions.pb")
        var decoded: [Int] = []
        for n in 0..<full.count {
            do {
                _ = try OTLPProtobufDecoder().decode(Array(full[0..<n]))
                decoded.append(n)
            } catch {
                #expect(!error.message.isEmpty)
                #expect([.truncated, .malformed, .wrongType].contains(error.code))
            }
        }
        // A cut inside a length-prefixed top-level field is always detected; only cuts between the
        // three resource_spans fields leave a valid (shorter) request.
        var boundaries: [Int] = [0]
        var i = 0
        while i < full.count {
            i += 1  // tag of field 1
            var length = 0, shift = 0
            while full[i] & 0x80 != 0 { length |= Int(full[i] & 0x7F) << shift; shift += 7; i += 1 }
            length |= Int(full[i]) << shift
            i += 1 + length
            if i < full.count { boundaries.append(i) }
        }
        #expect(decoded == boundaries)
        #expect(boundaries.count == 3)
    }

    @Test func everyJSONTruncationFails() throws {
        let full = try FixtureLoader.bytes("three_conventions.json")
        let trimmed = Array(full.prefix { $0 != UInt8(ascii: "\n") })
        for n in 0..<trimmed.count {
            #expect(throws: OTLPDecodingError.self) { try OTLPJSONDecoder().decode(Array(trimmed[0..<n])) }
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededRNG(state: 7)
        for _ in 0..<3000 {
            let count = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? OTLPProtobufDecoder().decode(bytes)
            _ = try? OTLPJSONDecoder().decode(bytes)
        }
    }

    @Test func mutatedFixturesNeverTrap() throws {
        var rng = SeededRNG(state: 42)
        let pb = try FixtureLoader.bytes("three_conventions.pb")
        let json = try FixtureLoader.bytes("three_conventions.json")
        var pbErrors = 0
        for _ in 0..<1500 {
            var p = pb
            var j = json
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                p[Int.random(in: 0..<p.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                j[Int.random(in: 0..<j.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try OTLPProtobufDecoder().decode(p) } catch { pbErrors += 1 }
            _ = try? OTLPJSONDecoder().decode(j)
            if let records = try? OTLPJSONDecoder().decode(j) { _ = OTLPTraceMapper().records(from: records) }
            if let request = try? OTLPProtobufDecoder().decode(p) { _ = OTLPTraceMapper().records(from: request) }
        }
        #expect(pbErrors > 0)
    }

    @Test func deeplyNestedProtobufValuesAreRejected() {
        // AnyValue{array_value{values: AnyValue{array_value{...}}}} 10,000 levels deep.
        var inner = ProtobufWriter()
        inner.string(1, "leaf")
        var value = inner.bytes
        for _ in 0..<10_000 {
            var array = ProtobufWriter()
            array.message(1, value)
            var any = ProtobufWriter()
            any.message(5, array.bytes)
            value = any.bytes
        }
        var kv = ProtobufWriter()
        kv.string(1, "deep")
        kv.message(2, value)
        var span = ProtobufWriter()
        span.message(9, kv.bytes)
        var scope = ProtobufWriter()
        scope.message(2, span.bytes)
        var resource = ProtobufWriter()
        resource.message(2, scope.bytes)
        var request = ProtobufWriter()
        request.message(1, resource.bytes)
        #expect {
            try OTLPProtobufDecoder().decode(request.bytes)
        } throws: { ($0 as? OTLPDecodingError)?.code == .tooDeep }
    }

    @Test func deeplyNestedJSONIsRejected() {
        let deep = Array(("{\"resourceSpans\":" + String(repeating: "[", count: 100_000)).utf8)
        #expect {
            try OTLPJSONDecoder().decode(deep)
        } throws: { ($0 as? OTLPDecodingError)?.code == .tooDeep }
    }

    @Test func protobufErrorsSayWhatAndWhere() {
        // A span whose name field declares 100 bytes but has 2.
        var span = ProtobufWriter()
        span.tag(5, 2)
        span.varint(100)
        span.bytes.append(contentsOf: [0x61, 0x62])
        var scope = ProtobufWriter()
        scope.message(2, span.bytes)
        var rs = ProtobufWriter()
        rs.message(2, scope.bytes)
        var req = ProtobufWriter()
        req.message(1, rs.bytes)
        do {
            _ = try OTLPProtobufDecoder().decode(req.bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.message.hasPrefix("Span: field at byte"))
        }
        // A wrong wire type for a known field.
        var bad = ProtobufWriter()
        bad.tag(1, 0)
        bad.varint(3)
        #expect {
            try OTLPProtobufDecoder().decode(bad.bytes)
        } throws: { ($0 as? OTLPDecodingError)?.code == .wrongType }
    }

    @Test func jsonEncodingVariantsAreAccepted() throws {
        let json = """
        {"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"0102030405060708090A0B0C0D0E0F10","spanId":"0102030405060708",
        "kind":"SPAN_KIND_SERVER","startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"1700000000500000000",
        "status":{"code":"STATUS_CODE_ERROR","message":"x"},
        "attributes":[{"key":"i","value":{"intValue":5}},{"key":"d","value":{"doubleValue":"1.5"}},{"key":"b","value":{"bytesValue":"AQI="}},
        {"key":"e","value":{}},{"key":"s","value":{"stringValue":"caf\\u00e9 \\ud83d\\ude00"}}]}]}]}]}
        """
        let span = try #require(try OTLPJSONDecoder().decode(Array(json.utf8)).spans.first)
        #expect(span.traceID == Array(1...16))
        #expect(span.kind == 2)
        #expect(span.status.code == OTLPStatus.error)
        #expect(span.durationMs == 500)
        #expect(span.attributes.map(\.value) == [.int(5), .double(1.5), .bytes([1, 2]), .empty, .string("café 😀")])
    }
}
