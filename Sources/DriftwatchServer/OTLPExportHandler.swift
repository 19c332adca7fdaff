import DriftwatchGzip
import DriftwatchMetrics
import DriftwatchOTLP
import Hummingbird
import NIOCore

/// `POST /v1/traces` and `POST /v1/logs`: checks, decodes and hands spans or log records to the pipeline.
/// Both share authentication, limits and answers; every rejection happens before the pipeline sees
/// anything, so a 4xx never changes the store.
struct OTLPExportHandler: Sendable {
    enum Encoding: String {
        case protobuf
        case json
        case none
    }

    /// Which OTLP signal the route receives.
    enum Signal: Sendable {
        case traces
        case logs
    }

    let configuration: OTLPReceiverConfiguration
    let pipeline: OTLPIngestPipeline
    let metrics: SidecarMetrics
    /// Shared by every connection: request bodies held in memory at once.
    let budget: InflightBudget
    var signal: Signal = .traces

    func handle(_ request: Request) async -> Response {
        let encoding = Self.encoding(of: request.headers[.contentType])
        let response = await respond(request, encoding: encoding)
        metrics.otlpRequests.increment(labels: [String(response.status.code), encoding.rawValue])
        return response
    }

    private func respond(_ request: Request, encoding: Encoding) async -> Response {
        if let token = configuration.bearerToken {
            guard let header = request.headers[.authorization], Self.bearerMatches(header, token: token) else {
                var r = Self.error(.unauthorized, code: 16, "missing or wrong bearer token", encoding: encoding)
                r.headers[.wwwAuthenticate] = "Bearer"
                return r
            }
        }
        guard encoding != .none else {
            return Self.error(.unsupportedMediaType, code: 3, "Content-Type must be application/x-protobuf or application/json", encoding: .json)
        }
        let contentEncoding = request.headers[.contentEncoding]?.lowercased() ?? "identity"
        guard ["identity", "gzip"].contains(contentEncoding) else {
            return Self.error(.unsupportedMediaType, code: 3, "Content-Encoding must be gzip or identity", encoding: encoding)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxRequestBytes {
            return Self.error(.contentTooLarge, code: 8, "body of \(length) bytes exceeds the limit of \(configuration.maxRequestBytes)", encoding: encoding)
        }
        var body: [UInt8] = []
        var reserved = 0
        defer { budget.release(reserved) }
        do {
            for try await chunk in request.body {
                guard body.count + chunk.readableBytes <= configuration.maxRequestBytes else {
                    return Self.error(.contentTooLarge, code: 8, "body exceeds the limit of \(configuration.maxRequestBytes) bytes", encoding: encoding)
                }
                guard budget.reserve(chunk.readableBytes) else {
                    var r = Self.error(.serviceUnavailable, code: 14, "the receiver holds \(budget.limit) bytes of request bodies already; retry later", encoding: encoding)
                    r.headers[.retryAfter] = "1"
                    return r
                }
                reserved += chunk.readableBytes
                body.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return Self.error(.badRequest, code: 3, "body could not be read", encoding: encoding)
        }
        if contentEncoding == "gzip" {
            do throws(GzipError) {
                body = try GzipInflater.inflate(body, maxOutput: configuration.maxDecompressedBytes)
            } catch {
                if error.code == .tooLarge {
                    return Self.error(.contentTooLarge, code: 8, "decompressed body exceeds the limit of \(configuration.maxDecompressedBytes) bytes", encoding: encoding)
                }
                return Self.error(.badRequest, code: 3, error.message, encoding: encoding)
            }
        }
        // JSON must be UTF-8 (RFC 8259): invalid bytes are refused, not silently repaired to U+FFFD.
        if encoding == .json, String(validating: body, as: UTF8.self) == nil {
            return Self.error(.badRequest, code: 3, "the JSON body is not valid UTF-8", encoding: encoding)
        }
        if signal == .logs { return await acceptLogs(body, encoding: encoding) }
        let decoded: OTLPTraceRequest
        do {
            decoded = encoding == .protobuf ? try OTLPProtobufDecoder().decode(body) : try OTLPJSONDecoder().decode(body)
        } catch {
            return Self.error(.badRequest, code: 3, error.description, encoding: encoding)
        }
        // The trace id is the request's identity (its request_id without a request-id attribute): a span without a
        // valid one (16 bytes, not all zero; span id 8 bytes) would merge unrelated spans into one record.
        for (i, span) in decoded.spans.enumerated() {
            if span.traceID.count != 16 || span.traceID.allSatisfy({ $0 == 0 }) {
                return Self.error(.badRequest, code: 3, "span \(i) (\(span.name)): trace_id must be 16 bytes and not all zero, got \(span.traceID.count) bytes", encoding: encoding)
            }
            if span.spanID.count != 8 || span.spanID.allSatisfy({ $0 == 0 }) {
                return Self.error(.badRequest, code: 3, "span \(i) (\(span.name)): span_id must be 8 bytes and not all zero, got \(span.spanID.count) bytes", encoding: encoding)
            }
        }
        do {
            try await pipeline.accept(decoded.spans, encoding: encoding.rawValue, body: body)
        } catch {
            // Not journaled, so not accepted: 503 is retryable for OTLP exporters, nothing is lost.
            var r = Self.error(.serviceUnavailable, code: 14, "the request could not be stored durably; retry later", encoding: encoding)
            r.headers[.retryAfter] = "5"
            return r
        }
        return Self.accepted(encoding)
    }

    private func acceptLogs(_ body: [UInt8], encoding: Encoding) async -> Response {
        let decoded: OTLPLogsRequest
        do {
            decoded = encoding == .protobuf ? try OTLPProtobufDecoder().decodeLogs(body) : try OTLPJSONDecoder().decodeLogs(body)
        } catch {
            return Self.error(.badRequest, code: 3, error.description, encoding: encoding)
        }
        // A present but malformed id would join an event to the wrong request; an absent one is a rule (dead letter).
        for (i, record) in decoded.logRecords.enumerated() {
            if !record.traceID.isEmpty, record.traceID.count != 16 {
                return Self.error(.badRequest, code: 3, "log record \(i) (\(record.effectiveEventName)): trace_id must be 16 bytes or absent, got \(record.traceID.count) bytes", encoding: encoding)
            }
            if !record.spanID.isEmpty, record.spanID.count != 8 {
                return Self.error(.badRequest, code: 3, "log record \(i) (\(record.effectiveEventName)): span_id must be 8 bytes or absent, got \(record.spanID.count) bytes", encoding: encoding)
            }
        }
        do {
            try await pipeline.accept(logs: decoded.logRecords, encoding: encoding.rawValue, body: body)
        } catch {
            var r = Self.error(.serviceUnavailable, code: 14, "the request could not be stored durably; retry later", encoding: encoding)
            r.headers[.retryAfter] = "5"
            return r
        }
        return Self.accepted(encoding)
    }

    /// An empty Export*ServiceResponse: no bytes in protobuf, `{}` in JSON.
    static func accepted(_ encoding: Encoding) -> Response {
        encoding == .protobuf
            ? Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer()))
            : Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }

    static func encoding(of contentType: String?) -> Encoding {
        guard let contentType else { return .none }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: " \t").lowercased() } ?? ""
        switch media {
        case "application/x-protobuf", "application/protobuf": return .protobuf
        case "application/json": return .json
        default: return .none
        }
    }

    /// Compares in time independent of where the first difference is.
    static func bearerMatches(_ header: String, token: String) -> Bool {
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else { return false }
        let given = Array(header.dropFirst(prefix.count).utf8)
        let expected = Array(token.utf8)
        var diff = given.count ^ expected.count
        for i in 0..<max(given.count, expected.count) {
            let a = i < given.count ? given[i] : 0
            let b = i < expected.count ? expected[i] : 0
            diff |= Int(a ^ b)
        }
        return diff == 0
    }

    /// A `google.rpc.Status` body in the request's encoding, as the OTLP/HTTP spec asks.
    static func error(_ status: HTTPResponse.Status, code: Int, _ message: String, encoding: Encoding) -> Response {
        if encoding == .protobuf {
            var bytes: [UInt8] = [0x08]
            appendVarint(UInt64(code), to: &bytes)
            let m = Array(message.utf8)
            bytes.append(0x12)
            appendVarint(UInt64(m.count), to: &bytes)
            bytes.append(contentsOf: m)
            return Response(status: status, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        var json: [UInt8] = Array("{\"code\":\(code),\"message\":".utf8)
        appendJSONString(message, to: &json)
        json.append(UInt8(ascii: "}"))
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    private static func appendVarint(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    private static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        return String(drop { chars.contains($0) }.reversed().drop { chars.contains($0) }.reversed())
    }
}
