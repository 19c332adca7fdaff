public import DriftwatchStatistics

/// ADWIN and Page–Hinkley on one 0/1 stream (say, "this tool call timed out"), so a rate that starts
/// to rise is flagged within a bucket or two rather than when a window closes. Both detectors restart
/// after a detection, as River's do; the counters and times here survive that.
///
/// Observations are summed per time bucket (batches of buckets at low traffic) and the detectors see
/// one value per batch: ADWIN the batch's rate, Page–Hinkley its standardized excess over the
/// stream's rate so far. On raw 0/1
/// values both detectors' false-alarm rates grow with traffic (Page–Hinkley fired several times a day
/// at 200 requests/min); per bucket and in standard errors they depend on the number of buckets only.
public struct RateDetector: Sendable, Equatable {
    public let name: String
    public let bucketMicros: Int64
    /// See ``DriftConfiguration/DetectorSettings/minimumExpectedEvents``.
    public let minimumExpectedEvents: Double
    public private(set) var adwin: ADWIN
    public private(set) var pageHinkley: PageHinkley
    public private(set) var observations = 0
    public private(set) var adwinDetections = 0
    public private(set) var pageHinkleyDetections = 0
    public private(set) var firstDetectionMicros: Int64?
    public private(set) var lastDetectionMicros: Int64?
    /// ADWIN's window mean just before its latest detection, and the mean of the newest values after
    /// it: how the rate moved.
    public private(set) var rateBeforeLastDetection: Double?
    /// The open bucket: its index and counts (late observations for closed buckets join it).
    private(set) var openBucket: Int64?
    private(set) var openEvents = 0
    private(set) var openTrials = 0
    /// Events and trials of every closed bucket, the Page–Hinkley null rate.
    private(set) var closedEvents = 0
    private(set) var closedTrials = 0
    private(set) var closedBuckets = 0
    /// Count, sum and sum of squares of the batches' z-scores.
    private(set) var zCount = 0.0
    private(set) var zSum = 0.0
    private(set) var zSumSquares = 0.0
    /// Sums of products of each clipped z-score with the one and two batches before it, and the last two
    /// clipped z-scores (newest first): the autocovariances of the long-run variance.
    private(set) var zLagProducts = [0.0, 0.0]
    private(set) var recentZ: [Double] = []
    /// First bucket of the open batch.
    private(set) var batchStart: Int64?
    /// See ``DriftConfiguration/DetectorSettings/pageHinkleyMinInstances``.
    public let warmUpBuckets: Int

    public init(name: String, settings: DriftConfiguration.DetectorSettings, bucketMicros: Int64 = 300_000_000) {
        self.name = name
        minimumExpectedEvents = settings.minimumExpectedEvents
        self.bucketMicros = bucketMicros
        warmUpBuckets = settings.pageHinkleyMinInstances
        // Checked on every batch (River's clock is 32 values, which at one value per 5 minutes would
        // wait hours).
        adwin = ADWIN(delta: settings.adwinDelta, clock: 1)
        pageHinkley = PageHinkley(
            minInstances: 1, delta: settings.pageHinkleyDelta,
            threshold: settings.pageHinkleyThreshold, mode: .up)
    }

    /// Adds one observation (1 = the event happened) at `micros`; a bucket closes when the first
    /// observation of a later one arrives.
    public mutating func update(_ event: Bool, at micros: Int64) {
        observations += 1
        let index = micros >= 0 ? micros / bucketMicros : (micros - bucketMicros + 1) / bucketMicros
        if let open = openBucket, index > open {
            // A batch closes at a bucket boundary once it expects enough events for its z-score to be
            // near normal; at low traffic a batch spans several buckets.
            let p = (Double(closedEvents) + 0.5) / (Double(closedTrials) + 1)
            // Closing on enough observed events as well keeps a jump in the rate from waiting for the
            // low null rate's batch to fill.
            let full = Double(openTrials) * p >= minimumExpectedEvents || Double(openEvents) >= minimumExpectedEvents
            if full || closedTrials == 0 { close(at: micros, buckets: index - (batchStart ?? index)) }
            if full || closedTrials == 0 || batchStart == nil { batchStart = index }
            openBucket = index
        } else if openBucket == nil {
            openBucket = index
        }
        openTrials += 1
        if event { openEvents += 1 }
    }

    private mutating func close(at micros: Int64, buckets: Int64) {
        guard openTrials > 0 else { return }
        let rate = Double(openEvents) / Double(openTrials)
        let before = adwin.estimation
        if adwin.update(rate) {
            adwinDetections += 1
            rateBeforeLastDetection = before
            note(micros)
        }
        // The null rate with add-one smoothing, so a stream with no events yet has a positive variance;
        // Page–Hinkley waits for `minInstances` buckets of it, or its running mean would keep the
        // first buckets' estimation error.
        let p = (Double(closedEvents) + 0.5) / (Double(closedTrials) + 1)
        let n = Double(openTrials)
        var z = (Double(openEvents) - n * p) / (n * p * (1 - p)).squareRoot()
        // Rates also move between batches beyond binomial noise (minutes-long swings in failure rates):
        // divide by the z-scores' own spread so far, when it is above 1. The spread is learnt from
        // z-scores clipped to ±3, so a real jump barely widens it, and not from the first batch,
        // whose null rate was a guess.
        // Page–Hinkley sums z-scores, so what matters is the variance of their sums — the long-run variance,
        // the spread plus twice the positive autocovariances at lags 1 and 2: the swings last longer than a
        // batch at high traffic (5-minute batches, 10-minute swings), and correlated z-scores of spread 1
        // walk to the threshold far sooner than independent ones (Page–Hinkley fired 2–4 times per 30 quiet
        // days at 200/min with the spread alone).
        let raw = z
        if zCount >= 2 {
            let mean = zSum / zCount
            let variance = (zSumSquares - zSum * zSum / zCount) / (zCount - 1)
            var longRun = variance
            for lag in 0..<2 where zCount > Double(lag + 2) {
                longRun += 2 * max(0, zLagProducts[lag] / (zCount - Double(lag + 1)) - mean * mean)
            }
            z /= max(1, longRun).squareRoot()
        }
        if closedTrials > 0 {
            let clipped = min(3, max(-3, raw))
            zSum += clipped
            zSumSquares += clipped * clipped
            zCount += 1
            for (lag, previous) in recentZ.enumerated() { zLagProducts[lag] += clipped * previous }
            recentZ.insert(clipped, at: 0)
            if recentZ.count > 2 { recentZ.removeLast() }
        }
        // Page–Hinkley starts once `warmUpBuckets` of time are in the null rate, or its running mean
        // would keep the first batches' estimation error.
        let warm = closedBuckets >= warmUpBuckets
        closedBuckets += max(1, Int(buckets))
        if warm, pageHinkley.update(z) {
            pageHinkleyDetections += 1
            note(micros)
        }
        closedEvents += openEvents
        closedTrials += openTrials
        openEvents = 0
        openTrials = 0
    }

    private mutating func note(_ micros: Int64) {
        if firstDetectionMicros == nil { firstDetectionMicros = micros }
        lastDetectionMicros = micros
    }

    /// The mean bucket rate over ADWIN's current window (the recent, homogeneous stretch of the stream).
    public var currentRate: Double { adwin.estimation }
}

extension RateDetector: Codable {
    enum CodingKeys: String, CodingKey {
        case name, observations, adwinDetections, pageHinkleyDetections, firstDetectionMicros, lastDetectionMicros
        case rateBeforeLastDetection, adwin, pageHinkley
        case zCount, zSum, zSumSquares, zLagProducts, recentZ, bucketMicros, minimumExpectedEvents, warmUpBuckets, batchStart, openBucket, openEvents, openTrials, closedEvents, closedTrials, closedBuckets
    }

    struct ADWINCoding: Codable {
        var delta: Double, clock: Int, maxBuckets: Int, minWindowLength: Int, gracePeriod: Int
        var total: Double, squaredDeviations: Double, width: Int, tick: Int, detectionCount: Int
        var driftDetected: Bool, bucketTotals: [[Double]], bucketVariances: [[Double]]
    }

    struct PageHinkleyCoding: Codable {
        var minInstances: Int, delta: Double, threshold: Double, alpha: Double, mode: String
        var count: Double, mean: Double, sumIncrease: Double, sumDecrease: Double
        /// nil for +infinity (JSON has no infinity).
        var minIncrease: Double?
        var maxDecrease: Double, driftDetected: Bool
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        bucketMicros = try c.decode(Int64.self, forKey: .bucketMicros)
        minimumExpectedEvents = try c.decode(Double.self, forKey: .minimumExpectedEvents)
        warmUpBuckets = try c.decode(Int.self, forKey: .warmUpBuckets)
        zCount = try c.decode(Double.self, forKey: .zCount)
        zSum = try c.decode(Double.self, forKey: .zSum)
        zSumSquares = try c.decode(Double.self, forKey: .zSumSquares)
        // Absent in state saved before the long-run variance: it is learnt again from here.
        zLagProducts = try c.decodeIfPresent([Double].self, forKey: .zLagProducts) ?? [0, 0]
        recentZ = try c.decodeIfPresent([Double].self, forKey: .recentZ) ?? []
        batchStart = try c.decodeIfPresent(Int64.self, forKey: .batchStart)
        openBucket = try c.decodeIfPresent(Int64.self, forKey: .openBucket)
        openEvents = try c.decode(Int.self, forKey: .openEvents)
        openTrials = try c.decode(Int.self, forKey: .openTrials)
        closedEvents = try c.decode(Int.self, forKey: .closedEvents)
        closedTrials = try c.decode(Int.self, forKey: .closedTrials)
        closedBuckets = try c.decode(Int.self, forKey: .closedBuckets)
        observations = try c.decode(Int.self, forKey: .observations)
        adwinDetections = try c.decode(Int.self, forKey: .adwinDetections)
        pageHinkleyDetections = try c.decode(Int.self, forKey: .pageHinkleyDetections)
        firstDetectionMicros = try c.decodeIfPresent(Int64.self, forKey: .firstDetectionMicros)
        lastDetectionMicros = try c.decodeIfPresent(Int64.self, forKey: .lastDetectionMicros)
        rateBeforeLastDetection = try c.decodeIfPresent(Double.self, forKey: .rateBeforeLastDetection)
        let a = try c.decode(ADWINCoding.self, forKey: .adwin)
        adwin = try ADWIN(restoring: ADWINState(
            delta: a.delta, clock: a.clock, maxBuckets: a.maxBuckets, minWindowLength: a.minWindowLength,
            gracePeriod: a.gracePeriod, total: a.total, squaredDeviations: a.squaredDeviations, width: a.width,
            tick: a.tick, detectionCount: a.detectionCount, driftDetected: a.driftDetected,
            bucketTotals: a.bucketTotals, bucketVariances: a.bucketVariances))
        let p = try c.decode(PageHinkleyCoding.self, forKey: .pageHinkley)
        guard let mode = PageHinkley.Mode(rawValue: p.mode) else {
            throw DecodingError.dataCorruptedError(forKey: .pageHinkley, in: c, debugDescription: "unknown Page-Hinkley mode \(p.mode)")
        }
        pageHinkley = try PageHinkley(restoring: PageHinkleyState(
            minInstances: p.minInstances, delta: p.delta, threshold: p.threshold, alpha: p.alpha, mode: mode,
            count: p.count, mean: p.mean, sumIncrease: p.sumIncrease, sumDecrease: p.sumDecrease,
            minIncrease: p.minIncrease ?? .infinity, maxDecrease: p.maxDecrease, driftDetected: p.driftDetected))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(bucketMicros, forKey: .bucketMicros)
        try c.encode(minimumExpectedEvents, forKey: .minimumExpectedEvents)
        try c.encode(warmUpBuckets, forKey: .warmUpBuckets)
        try c.encode(zCount, forKey: .zCount)
        try c.encode(zSum, forKey: .zSum)
        try c.encode(zSumSquares, forKey: .zSumSquares)
        try c.encode(zLagProducts, forKey: .zLagProducts)
        try c.encode(recentZ, forKey: .recentZ)
        try c.encodeIfPresent(batchStart, forKey: .batchStart)
        try c.encodeIfPresent(openBucket, forKey: .openBucket)
        try c.encode(openEvents, forKey: .openEvents)
        try c.encode(openTrials, forKey: .openTrials)
        try c.encode(closedEvents, forKey: .closedEvents)
        try c.encode(closedTrials, forKey: .closedTrials)
        try c.encode(closedBuckets, forKey: .closedBuckets)
        try c.encode(observations, forKey: .observations)
        try c.encode(adwinDetections, forKey: .adwinDetections)
        try c.encode(pageHinkleyDetections, forKey: .pageHinkleyDetections)
        try c.encodeIfPresent(firstDetectionMicros, forKey: .firstDetectionMicros)
        try c.encodeIfPresent(lastDetectionMicros, forKey: .lastDetectionMicros)
        try c.encodeIfPresent(rateBeforeLastDetection, forKey: .rateBeforeLastDetection)
        let a = adwin.state
        try c.encode(ADWINCoding(
            delta: a.delta, clock: a.clock, maxBuckets: a.maxBuckets, minWindowLength: a.minWindowLength,
            gracePeriod: a.gracePeriod, total: a.total, squaredDeviations: a.squaredDeviations, width: a.width,
            tick: a.tick, detectionCount: a.detectionCount, driftDetected: a.driftDetected,
            bucketTotals: a.bucketTotals, bucketVariances: a.bucketVariances), forKey: .adwin)
        let p = pageHinkley.state
        try c.encode(PageHinkleyCoding(
            minInstances: p.minInstances, delta: p.delta, threshold: p.threshold, alpha: p.alpha, mode: p.mode.rawValue,
            count: p.count, mean: p.mean, sumIncrease: p.sumIncrease, sumDecrease: p.sumDecrease,
            minIncrease: p.minIncrease.isFinite ? p.minIncrease : nil, maxDecrease: p.maxDecrease,
            driftDetected: p.driftDetected), forKey: .pageHinkley)
    }
}
