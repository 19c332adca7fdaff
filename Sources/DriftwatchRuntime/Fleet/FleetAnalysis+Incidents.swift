public import DriftwatchAnalysis
import DriftwatchCore
public import DriftwatchFleet

extension FleetAnalysis {
    /// The fleet's incidents, each in its latest state: the merged buckets folded oldest first in memory, taking the
    /// engine's changes hour by hour as ``fold(_:into:configuration:)`` commits them (what bounds its memory).
    public static func incidents(_ merge: FleetMerge, configuration: AnalysisConfiguration) throws -> [Incident] {
        var engine = try AnalysisEngine(configuration: configuration)
        engine.wallClockMicros = WallClock.nowMicros()
        var latest: [String: Incident] = [:]
        var hour: Int64?
        for bucket in merge.buckets {
            let h = engine.coarse.bucketStart(bucket.startMicros)
            if let hour, hour != h {
                for incident in engine.takeChanges().incidents { latest[incident.id] = incident }
            }
            hour = h
            engine.fold(bucket, timeline: merge.timeline)
        }
        for incident in engine.takeChanges().incidents { latest[incident.id] = incident }
        return latest.values.sorted { $0.id < $1.id }
    }
}
