/// Writes a ``RequestRecord`` as one line of format v1 JSON (no trailing newline).
///
/// Used by the demo generator and by tests; field order follows the format table.
public struct RecordEncoder: Sendable {
    public init() {}

    public func encode(_ record: RequestRecord) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(768)
        encode(record, into: &out)
        return out
    }

    public func encode(_ r: RequestRecord, into out: inout [UInt8]) {
        var w = JSONObjectWriter(out: out)
        out = []
        w.field("request_id") { $0.string(r.requestID) }
        w.field("timestamp") { $0.string(RFC3339.format(micros: r.timestampMicros)) }
        if let v = r.service { w.field("service") { $0.string(v) } }
        if let v = r.task { w.field("task") { $0.string(v) } }
        if let v = r.route { w.field("route") { $0.string(v) } }
        if let m = r.model {
            w.field("model") { v in
                v.object { o in
                    o.field("name") { $0.string(m.name) }
                    o.field("version") { $0.string(m.version) }
                    if let p = m.provider { o.field("provider") { $0.string(p) } }
                    if let b = m.base { o.field("base") { $0.string(b) } }
                    o.field("tuned") { $0.bool(m.tuned) }
                }
            }
        }
        if let t = r.template {
            w.field("template") { v in
                v.object { o in
                    o.field("id") { $0.string(t.id) }
                    o.field("version") { $0.string(t.version) }
                }
            }
        }
        if let rel = r.release {
            w.field("release") { v in
                v.object { o in
                    if let d = rel.dataset { o.field("dataset") { $0.string(d) } }
                    if let d = rel.validator { o.field("validator") { $0.string(d) } }
                    if let d = rel.evalSuite { o.field("eval_suite") { $0.string(d) } }
                }
            }
        }
        if let ret = r.retrieval {
            w.field("retrieval") { v in
                v.object { o in
                    o.field("index_version") { $0.string(ret.indexVersion) }
                    if let k = ret.topK { o.field("top_k") { $0.int(Int64(k)) } }
                    o.field("evidence") { v in
                        v.array(ret.evidence) { v, e in
                            v.object { o in
                                o.field("id") { $0.string(e.id) }
                                if let s = e.score { o.field("score") { $0.double(s) } }
                                if let u = e.updatedAtMicros { o.field("updated_at") { $0.string(RFC3339.format(micros: u)) } }
                            }
                        }
                    }
                }
            }
        }
        if !r.toolsExpected.isEmpty {
            w.field("tools_expected") { v in v.array(r.toolsExpected) { $0.string($1) } }
        }
        if !r.tools.isEmpty {
            w.field("tools") { v in
                v.array(r.tools) { v, t in
                    v.object { o in
                        o.field("name") { $0.string(t.name) }
                        if let ver = t.version { o.field("version") { $0.string(ver) } }
                        o.field("status") { $0.string(t.status.rawValue) }
                        if let l = t.latencyMs { o.field("latency_ms") { $0.double(l) } }
                    }
                }
            }
        }
        if !r.validation.isEmpty {
            w.field("validation") { v in
                v.array(r.validation) { v, c in
                    v.object { o in
                        o.field("check") { $0.string(c.check) }
                        o.field("passed") { $0.bool(c.passed) }
                        if let reason = c.reason { o.field("reason") { $0.string(reason) } }
                    }
                }
            }
        }
        if let o = r.outcome { w.field("outcome") { $0.string(o.rawValue) } }
        if let f = r.feedback {
            w.field("feedback") { v in
                v.object { o in
                    o.field("score") { $0.double(f.score) }
                    if let s = f.source { o.field("source") { $0.string(s) } }
                }
            }
        }
        if let l = r.latency {
            w.field("latency_ms") { v in
                v.object { o in
                    o.field("total") { $0.double(l.total) }
                    if let x = l.retrieval { o.field("retrieval") { $0.double(x) } }
                    if let x = l.tools { o.field("tools") { $0.double(x) } }
                    if let x = l.generation { o.field("generation") { $0.double(x) } }
                    if let x = l.validation { o.field("validation") { $0.double(x) } }
                }
            }
        }
        if let t = r.tokens {
            w.field("tokens") { v in
                v.object { o in
                    o.field("input") { $0.int(Int64(t.input)) }
                    o.field("output") { $0.int(Int64(t.output)) }
                }
            }
        }
        if let c = r.costUSD { w.field("cost_usd") { $0.double(c) } }
        if let n = r.retries { w.field("retries") { $0.int(Int64(n)) } }
        if !r.slices.isEmpty {
            w.field("slices") { v in
                v.object { o in
                    for s in r.slices {
                        o.field(s.key) { v in
                            switch s.value {
                            case .string(let x): v.string(x)
                            case .number(let x): v.double(x)
                            case .bool(let x): v.bool(x)
                            }
                        }
                    }
                }
            }
        }
        out = w.finish()
    }
}

/// A minimal JSON writer over a byte buffer.
package struct JSONValueWriter {
    package var out: [UInt8]

    package init(out: [UInt8]) { self.out = out }

    package mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    package mutating func int(_ n: Int64) { out.append(contentsOf: String(n).utf8) }

    package mutating func double(_ d: Double) {
        if !d.isFinite { out.append(contentsOf: "null".utf8); return }
        if d.rounded() == d, abs(d) < 1e15 {
            out.append(contentsOf: String(Int64(d)).utf8)
        } else {
            out.append(contentsOf: "\(d)".utf8)
        }
    }

    package mutating func bool(_ b: Bool) { out.append(contentsOf: (b ? "true" : "false").utf8) }

    package mutating func object(_ body: (inout JSONObjectWriter) -> Void) {
        var o = JSONObjectWriter(out: out)
        out = []
        body(&o)
        out = o.finish()
    }

    package mutating func array<T>(_ items: [T], _ element: (inout JSONValueWriter, T) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            element(&self, item)
        }
        out.append(UInt8(ascii: "]"))
    }
}

package struct JSONObjectWriter {
    private var value: JSONValueWriter
    private var first = true

    package init(out: [UInt8]) {
        value = JSONValueWriter(out: out)
        value.out.append(UInt8(ascii: "{"))
    }

    package mutating func field(_ name: String, _ body: (inout JSONValueWriter) -> Void) {
        if !first { value.out.append(UInt8(ascii: ",")) }
        first = false
        value.string(name)
        value.out.append(UInt8(ascii: ":"))
        body(&value)
    }

    package mutating func finish() -> [UInt8] {
        value.out.append(UInt8(ascii: "}"))
        return value.out
    }
}
