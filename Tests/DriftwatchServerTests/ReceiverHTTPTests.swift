import DriftwatchMetrics
import DriftwatchOTLP
import DriftwatchStore
import DriftwatchServer
import DriftwatchTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite(.serialized) struct ReceiverHTTPTests {
    let protobuf = ["Content-Type": "application/x-protobuf"]
    let json = ["Content-Type": "application/json"]

    @Test func protobufExportIsStoredAndAnsweredWithAnEmptyResponse() async throws {
        try await ReceiverHarness.run { h in
            let r = try await h.client.request("POST", "/v1/traces", headers: protobuf, body: try ReceiverHarness.fixture("three_conventions.pb"))
            #expect(r.status == 200)
            #expect(r.headers["content-type"] == "application/x-protobuf")
            #expect(r.body.isEmpty)
            #expect(try await h.waitForRecords(3) == 3)
            #expect(try h.store.requestIDs().sorted() == ["0af7651916cd43dd8448eb211c80319c", "2cf7651916cd43dd8448eb211c80319e", "req-oi-1"])
            // Re-sending is a no-op: exactly once by request_id.
            _ = try await h.client.request("POST", "/v1/traces", headers: protobuf, body: try ReceiverHarness.fixture("three_conventions.pb"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try h.store.countRecords() == 3)
            #expect(h.metrics.registry.value("driftwatch_otlp_records_total", labels: ["duplicate"]) == 3)
        }
    }

    @Test func gzippedJSONExportIsStored() async throws {
        try await ReceiverHarness.run { h in
            let body = gzip(try ReceiverHarness.fixture("three_conventions.json"))
            let r = try await h.client.request("POST", "/v1/traces", headers: ["Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"], body: body)
            #expect(r.status == 200)
            #expect(r.text == "{}")
            #expect(try await h.waitForRecords(3) == 3)
            let records = try h.storedRecords()
            let genAI = try #require(records["0af7651916cd43dd8448eb211c80319c"])
            #expect(genAI["task"] as? String == "support_answer")
            #expect((genAI["tokens"] as? [String: Any])?["input"] as? Int == 812)
        }
    }

    @Test func rejectedRequestsGetTheRight4xxAndLeaveTheStoreUnchanged() async throws {
        var config = OTLPReceiverConfiguration(bearerToken: "s3cret", maxRequestBytes: 8 * 1024, maxDecompressedBytes: 64 * 1024, assembly: .init(wait: .zero))
        config.port = 0
        try await ReceiverHarness.run(config) { h in
            let pb = try ReceiverHarness.fixture("three_conventions.pb")
            let auth = ["Authorization": "Bearer s3cret"]
            func post(_ headers: [String: String], _ body: [UInt8]) async throws -> HTTPTestClient.Response {
                try await h.client.request("POST", "/v1/traces", headers: headers, body: body)
            }
            // 401: no token, wrong token, wrong scheme.
            for headers in [protobuf, protobuf.merging(["Authorization": "Bearer nope"]) { $1 }, protobuf.merging(["Authorization": "Basic s3cret"]) { $1 }] {
                let r = try await post(headers, pb)
                #expect(r.status == 401)
                #expect(r.headers["www-authenticate"] == "Bearer")
            }
            // 415: content type, content encoding.
            #expect(try await post(auth.merging(["Content-Type": "text/plain"]) { $1 }, pb).status == 415)
            #expect(try await post(auth, pb).status == 415)
            #expect(try await post(auth.merging(protobuf) { $1 }.merging(["Content-Encoding": "br"]) { $1 }, pb).status == 415)
            // 413: over the body limit, and a gzip bomb over the decompressed limit.
            let big = [UInt8](repeating: 0x20, count: 9 * 1024)
            #expect(try await post(auth.merging(json) { $1 }, big).status == 413)
            let bomb = gzip([UInt8](repeating: 0x20, count: 1024 * 1024))
            #expect(bomb.count < 8 * 1024)
            #expect(try await post(auth.merging(json) { $1 }.merging(["Content-Encoding": "gzip"]) { $1 }, bomb).status == 413)
            // 400: truncated protobuf, malformed JSON, corrupt gzip; each with a message.
            let truncated = try await post(auth.merging(protobuf) { $1 }, Array(pb.prefix(pb.count / 2)))
            #expect(truncated.status == 400)
            #expect(truncated.headers["content-type"] == "application/x-protobuf")
            #expect(truncated.text.contains("truncated"))
            let malformed = try await post(auth.merging(json) { $1 }, Array("{\"resourceSpans\": [".utf8))
            #expect(malformed.status == 400)
            let status = try JSONSerialization.jsonObject(with: Data(malformed.body)) as? [String: Any]
            #expect(status?["code"] as? Int == 3)
            #expect((status?["message"] as? String)?.contains("truncated") == true)
            #expect(try await post(auth.merging(json) { $1 }.merging(["Content-Encoding": "gzip"]) { $1 }, [0x1f, 0x8b, 1, 2, 3]).status == 400)
            let wrongType = try await post(auth.merging(json) { $1 }, Array("{\"resourceSpans\": {}}".utf8))
            #expect(wrongType.status == 400)
            #expect(wrongType.text.contains("resourceSpans: expected an array"))

            try await Task.sleep(for: .milliseconds(100))
            #expect(try h.store.countRecords() == 0)
            #expect(try h.store.summary().deadLetters == 0)

            // The same body with the token is accepted.
            #expect(try await post(auth.merging(protobuf) { $1 }, pb).status == 200)
            #expect(try await h.waitForRecords(3) == 3)
            #expect(h.metrics.registry.value("driftwatch_otlp_requests_total", labels: ["401", "protobuf"]) == 3)
            #expect(h.metrics.registry.value("driftwatch_otlp_requests_total", labels: ["200", "protobuf"]) == 1)
        }
    }

    @Test("server.metrics_auth: /metrics needs the bearer token (401 without or with a wrong one); /healthz stays open; off by default")
    func metricsAuth() async throws {
        var config = OTLPReceiverConfiguration(bearerToken: "s3cret", assembly: .init(wait: .zero))
        config.port = 0
        config.metricsAuth = true
        try await ReceiverHarness.run(config) { h in
            let variants: [[String: String]] = [[:], ["Authorization": "Bearer nope"], ["Authorization": "Basic s3cret"]]
            for headers in variants {
                let r = try await h.client.request("GET", "/metrics", headers: headers)
                #expect(r.status == 401, "\(headers)")
                #expect(r.headers["www-authenticate"] == "Bearer")
                #expect(!r.text.contains("driftwatch_"))
            }
            let ok = try await h.client.request("GET", "/metrics", headers: ["Authorization": "Bearer s3cret"])
            #expect(ok.status == 200)
            #expect(ok.text.contains("driftwatch_otlp_requests_total"))
            #expect(try await h.client.request("GET", "/healthz").status == 200)
        }
        // Off (the default): the token guards OTLP only.
        config.metricsAuth = false
        try await ReceiverHarness.run(config) { h in
            let open = try await h.client.request("GET", "/metrics")
            #expect(open.status == 200)
        }
    }

    @Test func spansOfOneTraceInSeveralRequestsBecomeOneRecord() async throws {
        var config = OTLPReceiverConfiguration(assembly: .init(wait: .milliseconds(150), maxWait: .seconds(30)), flushInterval: .milliseconds(20))
        config.port = 0
        try await ReceiverHarness.run(config) { h in
            func body(_ spans: [[String: Any]]) throws -> [UInt8] {
                let request: [String: Any] = ["resourceSpans": [["resource": ["attributes": [["key": "service.name", "value": ["stringValue": "svc"]]]],
                                                                  "scopeSpans": [["spans": spans]]]]]
                return Array(try JSONSerialization.data(withJSONObject: request))
            }
            let trace = "5bf7651916cd43dd8448eb211c80319c"
            func span(_ id: String, parent: String?, name: String, start: Int, end: Int, _ attrs: [[String: Any]]) -> [String: Any] {
                var s: [String: Any] = ["traceId": trace, "spanId": id, "name": name, "startTimeUnixNano": "\(1_700_000_000_000_000_000 + start * 1_000_000)",
                                        "endTimeUnixNano": "\(1_700_000_000_000_000_000 + end * 1_000_000)", "attributes": attrs]
                if let parent { s["parentSpanId"] = parent }
                return s
            }
            let tool = span("0000000000000002", parent: "0000000000000001", name: "t", start: 10, end: 30,
                            [["key": "gen_ai.operation.name", "value": ["stringValue": "execute_tool"]], ["key": "gen_ai.tool.name", "value": ["stringValue": "calc"]]])
            #expect(try await h.client.request("POST", "/v1/traces", headers: json, body: body([tool])).status == 200)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try h.store.countRecords() == 0)  // no root yet: the trace waits
            let root = span("0000000000000001", parent: nil, name: "agent", start: 0, end: 100, [])
            #expect(try await h.client.request("POST", "/v1/traces", headers: json, body: body([root])).status == 200)
            #expect(try await h.waitForRecords(1) == 1)
            let record = try #require(try h.storedRecords()[trace])
            #expect(record["task"] as? String == "agent")
            #expect((record["tools"] as? [[String: Any]])?.first?["name"] as? String == "calc")
            #expect((record["latency_ms"] as? [String: Any])?["total"] as? Double == 100)
        }
    }

    @Test func gracefulShutdownFlushesPendingTraces() async throws {
        var config = OTLPReceiverConfiguration(assembly: .init(wait: .seconds(60), maxWait: .seconds(120)))
        config.port = 0
        let headers = protobuf
        let during: (ReceiverHarness) async throws -> Void = { h in
            let r = try await h.client.request("POST", "/v1/traces", headers: headers, body: try ReceiverHarness.fixture("three_conventions.pb"))
            #expect(r.status == 200)
            let stored = try h.store.countRecords()
            #expect(stored == 0)
            #expect(h.metrics.registry.value("driftwatch_otlp_pending_traces") == 3)
        }
        let after: (ReceiverHarness) async throws -> Void = { h in
            let stored = try h.store.countRecords()
            #expect(stored == 3)
            #expect(h.metrics.registry.value("driftwatch_otlp_traces_flushed_total", labels: ["shutdown"]) == 3)
        }
        try await ReceiverHarness.run(config, during, after: after)
    }

    @Test func healthAndMetricsEndpoints() async throws {
        try await ReceiverHarness.run { h in
            let health = try await h.client.request("GET", "/healthz")
            #expect(health.status == 200)
            #expect(health.text == "ok\n")
            _ = try await h.client.request("POST", "/v1/traces", headers: protobuf, body: try ReceiverHarness.fixture("three_conventions.pb"))
            _ = try await h.waitForRecords(3)
            h.metrics.openIncidents.set(2, labels: ["model"])
            let m = try await h.client.request("GET", "/metrics")
            #expect(m.status == 200)
            #expect(m.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(m.text.contains("driftwatch_otlp_spans_received_total 12\n"))
            #expect(m.text.contains("driftwatch_otlp_requests_total{code=\"200\",encoding=\"protobuf\"} 1\n"))
            #expect(m.text.contains("driftwatch_open_incidents{component=\"model\"} 2\n"))
            #expect(m.text.contains("driftwatch_ingest_records_total{source=\"otlp\"} 3\n"))
            #expect(try await h.client.request("GET", "/nope").status == 404)
        }
    }
}

@Suite("Receiver start-up")
struct ReceiverStartupTests {
    /// Issue 18: a port already taken must fail `run` at once with an error naming the address, not leave the sidecar
    /// running without its listener until shutdown.
    @Test func aTakenPortFailsAtOnceNamingTheAddress() async throws {
        try await ReceiverHarness.run { harness in
            let store = harness.store
            var logger = Logger(label: "test.otlp.second")
            logger.logLevel = .critical
            let taken = OTLPReceiverConfiguration(host: "127.0.0.1", port: harness.client.port, assembly: .init(wait: .zero))
            let second = OTLPReceiverService(configuration: taken, sink: store, metrics: SidecarMetrics(), logger: logger)
            let group = ServiceGroup(configuration: .init(services: [second], gracefulShutdownSignals: [], logger: logger))
            let started = ContinuousClock.now
            do {
                try await group.run()
                Issue.record("a second receiver on a taken port ran to completion")
            } catch {
                #expect("\(error)".contains("127.0.0.1:\(harness.client.port)"), "\(error)")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }
}

#if canImport(Glibc)
import Glibc

extension ReceiverStartupTests {
    /// Issue 18: an idle connection is closed after `idle_timeout`, so idle clients cannot hold descriptors forever.
    @Test func anIdleConnectionIsClosed() async throws {
        var configuration = OTLPReceiverConfiguration(port: 0, assembly: .init(wait: .zero))
        configuration.idleTimeout = .milliseconds(500)
        try await ReceiverHarness.run(configuration) { harness in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(harness.client.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = ContinuousClock.now
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)   // 0: the server closed the idle connection
            #expect(n == 0, "recv returned \(n), errno \(errno)")
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    /// A connected TCP socket to the receiver, with a 10 s receive timeout.
    static func connectRaw(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends `bytes` one every 100 ms until the server closes the connection; returns how long after the first
    /// byte it did, nil if it never did.
    static func dribble(_ fd: Int32, _ bytes: [UInt8]) async throws -> Duration? {
        let started = ContinuousClock.now
        for byte in bytes {
            var one = byte
            if send(fd, &one, 1, Int32(MSG_NOSIGNAL)) < 0 { return ContinuousClock.now - started }
            try await Task.sleep(for: .milliseconds(100))
            var scratch = [UInt8](repeating: 0, count: 512)
            let n = recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return ContinuousClock.now - started }
        }
        return nil
    }

    /// Issue 18, item 2: a client sending its headers a byte at a time is cut off after `header_timeout`, and one
    /// sending its body a byte at a time after `body_timeout`, though each reads busier than `idle_timeout`.
    @Test func slowClientsAreCutOffAtTheHeaderAndBodyTimeouts() async throws {
        var configuration = OTLPReceiverConfiguration(port: 0, assembly: .init(wait: .zero))
        configuration.idleTimeout = .seconds(30)
        configuration.headerTimeout = .seconds(1)
        configuration.bodyTimeout = .milliseconds(1_500)
        try await ReceiverHarness.run(configuration) { harness in
            let headers = Self.connectRaw(port: harness.client.port)
            defer { close(headers) }
            let head = Array("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n".utf8)
            let headerCut = try await Self.dribble(headers, head)
            #expect(headerCut != nil, "a slowloris head was never cut off")
            if let headerCut { #expect(headerCut >= .milliseconds(900) && headerCut < .seconds(4), "cut after \(headerCut)") }

            let body = Self.connectRaw(port: harness.client.port)
            defer { close(body) }
            #expect(send(body, head, head.count, Int32(MSG_NOSIGNAL)) == head.count)
            let bodyCut = try await Self.dribble(body, Array(repeating: UInt8(ascii: " "), count: 200))
            #expect(bodyCut != nil, "a dribbled body was never cut off")
            if let bodyCut { #expect(bodyCut >= .milliseconds(1_300) && bodyCut < .seconds(5), "cut after \(bodyCut)") }
            #expect(harness.metrics.registry.value("driftwatch_otlp_connections_closed_total", labels: ["header_timeout"]) == 1)
            #expect(harness.metrics.registry.value("driftwatch_otlp_connections_closed_total", labels: ["body_timeout"]) == 1)

            // A request sent at a normal pace is still served.
            let r = try await harness.client.request("GET", "/healthz", headers: [:], body: [])
            #expect(r.status == 200)
        }
    }

    /// Issue 18, item 2: a keep-alive connection is closed `idle_timeout` after its last answer.
    @Test func anIdleKeepAliveConnectionIsClosedAfterItsAnswer() async throws {
        var configuration = OTLPReceiverConfiguration(port: 0, assembly: .init(wait: .zero))
        configuration.idleTimeout = .milliseconds(500)
        try await ReceiverHarness.run(configuration) { harness in
            let fd = Self.connectRaw(port: harness.client.port)
            defer { close(fd) }
            let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
            #expect(send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count)
            let started = ContinuousClock.now
            var received: [UInt8] = []
            var scratch = [UInt8](repeating: 0, count: 1024)
            while true {
                let n = recv(fd, &scratch, scratch.count, 0)
                if n <= 0 {
                    #expect(n == 0, "recv returned \(n), errno \(errno)")
                    break
                }
                received += scratch[0..<n]
            }
            #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(5), "closed after \(elapsed)")
        }
    }
}
#endif

extension ReceiverStartupTests {
    /// Issue 18, item 4: spans without a valid trace id, JSON that is not UTF-8 get 400 and store nothing; a gzip
    /// body of two concatenated members is inflated whole.
    @Test func inputGapsAreClosed() async throws {
        try await ReceiverHarness.run { h in
            let json = ["Content-Type": "application/json"]
            func body(trace: String, span: String = "0000000000000001") throws -> [UInt8] {
                let s: [String: Any] = ["traceId": trace, "spanId": span, "name": "root", "startTimeUnixNano": "1700000000000000000",
                                        "endTimeUnixNano": "1700000000100000000", "attributes": [] as [Any]]
                let request: [String: Any] = ["resourceSpans": [["resource": ["attributes": [] as [Any]], "scopeSpans": [["spans": [s]]]]]]
                return Array(try JSONSerialization.data(withJSONObject: request))
            }
            for bad in ["", "abcd", "00000000000000000000000000000000"] {
                let r = try await h.client.request("POST", "/v1/traces", headers: json, body: try body(trace: bad))
                #expect(r.status == 400, "trace id \"\(bad)\": \(r.status)")
                #expect(r.text.contains("trace_id"))
            }
            let noSpanID = try await h.client.request("POST", "/v1/traces", headers: json, body: try body(trace: "6bf7651916cd43dd8448eb211c80319c", span: ""))
            #expect(noSpanID.status == 400)
            var invalid = try body(trace: "6bf7651916cd43dd8448eb211c80319c")
            let at = invalid.firstIndex(of: UInt8(ascii: "r"))!   // inside "root"... or the first key: any string
            invalid.insert(contentsOf: [0xC3, 0x28], at: at)
            let r = try await h.client.request("POST", "/v1/traces", headers: json, body: invalid)
            #expect(r.status == 400)
            #expect(r.text.contains("UTF-8"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try h.store.countRecords() == 0)

            // Two gzip members: the first holds the first half of the JSON, the second the rest.
            let whole = try body(trace: "7bf7651916cd43dd8448eb211c80319c")
            let half = whole.count / 2
            let twoMembers = gzip(Array(whole[..<half])) + gzip(Array(whole[half...]))
            let ok = try await h.client.request("POST", "/v1/traces", headers: json.merging(["Content-Encoding": "gzip"]) { $1 }, body: twoMembers)
            #expect(ok.status == 200, "\(ok.text)")
            #expect(try await h.waitForRecords(1) == 1)
        }
    }
}

extension ReceiverStartupTests {
    /// Issue 18, item 3: request bodies held at once are bounded across connections; over the budget a request gets
    /// a retryable 503 and the budget is given back after each request.
    @Test func requestBodiesInMemoryAreBounded() async throws {
        var configuration = OTLPReceiverConfiguration(port: 0, maxRequestBytes: 1 << 20, assembly: .init(wait: .zero))
        configuration.maxInflightBytes = 64 * 1024
        try await ReceiverHarness.run(configuration) { h in
            let big = [UInt8](repeating: UInt8(ascii: " "), count: 200 * 1024)
            let r = try await h.client.request("POST", "/v1/traces", headers: ["Content-Type": "application/json"], body: big)
            #expect(r.status == 503)
            #expect(r.headers["retry-after"] == "1")
            // Within the budget, and again after it: reservations are released.
            for _ in 0..<3 {
                let ok = try await h.client.request("POST", "/v1/traces", headers: ["Content-Type": "application/json"],
                                                    body: Array("{\"resourceSpans\":[]}".utf8))
                #expect(ok.status == 200)
            }
        }
    }
}
