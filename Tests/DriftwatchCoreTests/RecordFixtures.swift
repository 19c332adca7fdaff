import DriftwatchCore

/// A small seeded PRNG (SplitMix64) so every randomized test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds records for tests: realistic ones like the demo workload, and adversarial ones that
/// exercise every field, escapes and unusual Unicode.
enum RecordFixtures {
    /// Strings chosen to break naive decoders: escapes, controls, emoji, RTL, combining marks, NUL.
    static let awkwardStrings: [String] = [
        "", "plain", "quote \" inside", "back\\slash", "slash / ok", "tab\there", "new\nline", "cr\rlf\n",
        "\u{0}nul", "\u{1}\u{1F}controls", "\u{7F}del", "émoji 😀👍🏽", "family 👨‍👩‍👧‍👦", "flag 🇫🇷",
        "עברית מימין לשמאל", "العربية", "mixed abc אבג 123", "\u{202E}override", "e\u{301} combining",
        "日本語のテキスト", "한국어", "Ελληνικά", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u{FFFD}replacement", "\u{10FFFF}", "\u{2028}\u{2029}",
        "long " + String(repeating: "x", count: 300),
    ]

    static func awkwardString(_ g: inout SeededGenerator) -> String {
        if Int.random(in: 0..<3, using: &g) == 0 {
            return "id-\(UInt32.random(in: 0...UInt32.max, using: &g))"
        }
        var s = awkwardStrings.randomElement(using: &g)!
        if Bool.random(using: &g) { s += awkwardStrings.randomElement(using: &g)! }
        return s
    }

    /// A double that prints in many shapes: integers, short decimals, tiny and huge exponents, negatives.
    static func awkwardDouble(_ g: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<8, using: &g) {
        case 0: return Double(Int.random(in: -1000...1000, using: &g))
        case 1: return Double(Int.random(in: 0...100_000, using: &g)) / 10
        case 2: return Double.random(in: 0..<1, using: &g)
        case 3: return Double.random(in: -1e6...1e6, using: &g)
        case 4: return Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &g)) // any finite positive
        case 5: return -Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &g))
        case 6: return [0.1, 0.2, 0.3, 1e-7, 2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740992, 1e21, 1e22, 1e23, 123456789012345680, Double.leastNonzeroMagnitude].randomElement(using: &g)!
        default: return Double.random(in: 0..<1000, using: &g).rounded() / 1000
        }
    }

    static func timestamp(_ g: inout SeededGenerator) -> Int64 {
        // 1900 ..< 2200, with random microseconds.
        Int64.random(in: -2_208_988_800_000_000 ..< 7_258_118_400_000_000, using: &g)
    }

    static func optional<T>(_ g: inout SeededGenerator, _ make: (inout SeededGenerator) -> T) -> T? {
        Bool.random(using: &g) ? make(&g) : nil
    }

    /// A record with random presence of every field and awkward values.
    static func randomRecord(_ g: inout SeededGenerator) -> RequestRecord {
        var r = RequestRecord(requestID: "req-" + awkwardString(&g), timestampMicros: timestamp(&g))
        r.service = optional(&g, awkwardString)
        r.task = optional(&g, awkwardString)
        r.route = optional(&g, awkwardString)
        r.model = optional(&g) { g in
            ModelInfo(name: awkwardString(&g), version: awkwardString(&g), provider: optional(&g, awkwardString),
                      base: optional(&g, awkwardString), tuned: Bool.random(using: &g))
        }
        r.template = optional(&g) { g in TemplateInfo(id: awkwardString(&g), version: awkwardString(&g)) }
        r.release = optional(&g) { g in
            ReleaseInfo(dataset: optional(&g, awkwardString), validator: optional(&g, awkwardString),
                        evalSuite: optional(&g, awkwardString))
        }
        r.retrieval = optional(&g) { g in
            RetrievalInfo(
                indexVersion: awkwardString(&g), topK: optional(&g) { Int.random(in: 0...1_000_000, using: &$0) },
                evidence: (0..<Int.random(in: 0...6, using: &g)).map { _ in
                    Evidence(id: awkwardString(&g), score: optional(&g, awkwardDouble), updatedAtMicros: optional(&g, timestamp))
                })
        }
        r.toolsExpected = (0..<Int.random(in: 0...3, using: &g)).map { _ in awkwardString(&g) }
        r.tools = (0..<Int.random(in: 0...4, using: &g)).map { _ in
            ToolCall(name: awkwardString(&g), version: optional(&g, awkwardString),
                     status: ToolStatus.allCases.randomElement(using: &g)!, latencyMs: optional(&g, awkwardDouble))
        }
        r.validation = (0..<Int.random(in: 0...3, using: &g)).map { _ in
            ValidationCheck(check: awkwardString(&g), passed: Bool.random(using: &g), reason: optional(&g, awkwardString))
        }
        r.outcome = optional(&g) { Outcome.allCases.randomElement(using: &$0)! }
        r.feedback = optional(&g) { g in Feedback(score: awkwardDouble(&g), source: optional(&g, awkwardString)) }
        r.latency = optional(&g) { g in
            StageLatency(total: awkwardDouble(&g), retrieval: optional(&g, awkwardDouble), tools: optional(&g, awkwardDouble),
                         generation: optional(&g, awkwardDouble), validation: optional(&g, awkwardDouble))
        }
        r.tokens = optional(&g) { g in
            TokenUsage(input: Int.random(in: 0...Int(Int64.max), using: &g), output: Int.random(in: 0...200_000, using: &g))
        }
        r.costUSD = optional(&g, awkwardDouble)
        r.retries = optional(&g) { Int.random(in: 0...10, using: &$0) }
        var seen = Set<String>()
        for _ in 0..<Int.random(in: 0...12, using: &g) {
            let key = awkwardString(&g)
            guard seen.insert(key).inserted else { continue }
            let value: SliceValue
            switch Int.random(in: 0..<3, using: &g) {
            case 0: value = .string(awkwardString(&g))
            case 1: value = .number(awkwardDouble(&g))
            default: value = .bool(Bool.random(using: &g))
            }
            r.slices.append(Slice(key: key, value: value))
        }
        return r
    }

    /// A record shaped like the demo workload: ~600-900 bytes with evidence, tools, validation, slices.
    static func realisticRecord(_ g: inout SeededGenerator, index: Int) -> RequestRecord {
        let tasks = ["refund_question", "claim_triage", "invoice_extraction", "order_status", "policy_lookup"]
        let task = tasks[index % tasks.count]
        let tuned = Bool.random(using: &g)
        let evidence = (0..<Int.random(in: 1...2, using: &g)).map { _ in
            Evidence(id: "kb-\(Int.random(in: 1000...99999, using: &g))#\(Int.random(in: 0...40, using: &g))",
                     score: Double(Int.random(in: 2000...9999, using: &g)) / 10000,
                     updatedAtMicros: 1_700_000_000_000_000 + Int64.random(in: 0...40_000_000, using: &g) * 1_000_000)
        }
        let tools = [
            ToolCall(name: "order_lookup", version: "2.3.1", status: .ok, latencyMs: Double(Int.random(in: 5...900, using: &g)) / 10 + 20),
            ToolCall(name: "refund_policy", version: "1.0.4", status: Int.random(in: 0..<20, using: &g) == 0 ? .timeout : .ok,
                     latencyMs: Double(Int.random(in: 5...900, using: &g)) / 10 + 20),
        ]
        return RequestRecord(
            requestID: "req-\(index)-\(UInt32.random(in: 0...UInt32.max, using: &g))",
            timestampMicros: 1_750_000_000_000_000 + Int64(index) * 137_000,
            service: "support-copilot", task: task, route: Int.random(in: 0..<10, using: &g) == 0 ? "fallback" : "primary",
            model: ModelInfo(name: tuned ? "support-tuned" : "general-large", version: tuned ? "ckpt-0142" : "2025-06-01",
                             tuned: tuned),
            template: TemplateInfo(id: "support-answer", version: "v7"),
            release: nil,
            retrieval: RetrievalInfo(indexVersion: "kb-2025-06-10", topK: evidence.count, evidence: evidence),
            toolsExpected: ["order_lookup", "refund_policy"],
            tools: tools,
            validation: [
                ValidationCheck(check: "schema", passed: true),
                ValidationCheck(check: "grounded", passed: Int.random(in: 0..<10, using: &g) != 0, reason: nil),
                ValidationCheck(check: "policy", passed: true),
            ],
            outcome: [.success, .success, .success, .failure, .escalated, .abstained][Int.random(in: 0..<6, using: &g)],
            feedback: Int.random(in: 0..<3, using: &g) == 0 ? Feedback(score: Bool.random(using: &g) ? 1 : -1, source: "user") : nil,
            latency: StageLatency(total: Double(Int.random(in: 3000...40000, using: &g)) / 10,
                                  generation: Double(Int.random(in: 2000...30000, using: &g)) / 10),
            tokens: TokenUsage(input: Int.random(in: 500...6000, using: &g), output: Int.random(in: 50...900, using: &g)),
            costUSD: Double(Int.random(in: 100...9000, using: &g)) / 100000,
            retries: Int.random(in: 0..<10, using: &g) == 0 ? 1 : 0,
            slices: [
                Slice(key: "language", value: .string(["en", "de", "fr", "es"][Int.random(in: 0..<4, using: &g)])),
                Slice(key: "channel", value: .string(Bool.random(using: &g) ? "chat" : "email")),
                Slice(key: "long_context", value: .bool(Int.random(in: 0..<5, using: &g) == 0)),
                Slice(key: "customer_tier", value: .number(Double(Int.random(in: 1...3, using: &g)))),
            ]
        )
    }
}
