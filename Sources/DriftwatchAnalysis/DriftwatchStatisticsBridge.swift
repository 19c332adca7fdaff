import DriftwatchStatistics

/// Thin adapters over DriftwatchStatistics for the analyzer's integer counters.
enum DriftwatchStatisticsBridge {
    /// The 95% Wilson interval, nil without trials.
    static func wilson(successes: Int64, trials: Int64) -> (Double, Double)? {
        guard trials > 0 else { return nil }
        let i = Proportions.wilsonInterval(successes: Int(successes), trials: Int(trials))
        return (i.lower, i.upper)
    }
}
