import DriftwatchStatistics

/// Compact binary form of ``MetricCounters`` for the store: a version byte, zigzag varints for counts,
/// raw doubles for sums, the check and tool tables, then the serialized latency sketch. Version 2 adds each
/// check's failures on tool-problem requests; version 1 (before) reads with them at 0.
extension MetricCounters {
    static let formatVersion: UInt8 = 2

    public func serializedBytes() -> [UInt8] {
        var w = ByteWriter()
        w.bytes.reserveCapacity(160)
        w.bytes.append(Self.formatVersion)
        for v in [requests, outcomes, successes, failures, abstained, escalated, feedbackCount, feedbackNegative,
                  toolRecallHits, toolsExpected, toolPrecisionHits, toolsCalled, toolMissingRequests, toolProblemRequests,
                  retrievalRequests, emptyRetrievals, topScoreCount, evidenceSum, evidenceAgeCount, retriesSum,
                  retriedRequests, fallbackRequests, tokensIn, tokensOut] {
            w.int(v)
        }
        for v in [feedbackSum, topScoreSum, evidenceAgeDaysSum, costUSD] + stageLatencySums { w.double(v) }
        w.varint(UInt64(checks.count))
        for c in checks { w.string(c.name); w.int(c.passed); w.int(c.failed); w.int(c.failedOnToolProblem) }
        w.varint(UInt64(tools.count))
        for t in tools { w.string(t.name); w.int(t.calls); w.int(t.errors); w.int(t.timeouts) }
        w.blob(latency.serializedBytes())
        return w.bytes
    }

    /// Restores counters written by ``serializedBytes()``; fails on truncated or foreign bytes.
    public init(bytes: [UInt8]) throws(AnalysisError) {
        do {
            var r = ByteReader(bytes: bytes)
            guard let version = bytes.first, version == 1 || version == Self.formatVersion else { throw ByteReader.Truncated() }
            r.offset = 1
            var ints: [Int64] = []
            for _ in 0..<24 { ints.append(try r.int()) }
            var doubles: [Double] = []
            for _ in 0..<8 { doubles.append(try r.double()) }
            self.init()
            (requests, outcomes, successes, failures, abstained, escalated) = (ints[0], ints[1], ints[2], ints[3], ints[4], ints[5])
            (feedbackCount, feedbackNegative, toolRecallHits, toolsExpected) = (ints[6], ints[7], ints[8], ints[9])
            (toolPrecisionHits, toolsCalled, toolMissingRequests, toolProblemRequests) = (ints[10], ints[11], ints[12], ints[13])
            (retrievalRequests, emptyRetrievals, topScoreCount, evidenceSum) = (ints[14], ints[15], ints[16], ints[17])
            (evidenceAgeCount, retriesSum, retriedRequests, fallbackRequests) = (ints[18], ints[19], ints[20], ints[21])
            (tokensIn, tokensOut) = (ints[22], ints[23])
            (feedbackSum, topScoreSum, evidenceAgeDaysSum, costUSD) = (doubles[0], doubles[1], doubles[2], doubles[3])
            stageLatencySums = Array(doubles[4..<8])
            let checkCount = try r.count()
            for _ in 0..<checkCount {
                checks.append(CheckCount(name: try r.string(), passed: try r.int(), failed: try r.int(),
                                         failedOnToolProblem: version >= 2 ? try r.int() : 0))
            }
            let toolCount = try r.count()
            for _ in 0..<toolCount {
                tools.append(ToolCount(name: try r.string(), calls: try r.int(), errors: try r.int(), timeouts: try r.int()))
            }
            latency = try DDSketch(bytes: try r.blob())
        } catch {
            throw AnalysisError(.corruptState, "stored rollup counters cannot be read (\(bytes.count) bytes)")
        }
    }
}
