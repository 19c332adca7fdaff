import DriftwatchCore
import DriftwatchDemo
import DriftwatchDrift
import Foundation

/// Quiet workloads (noise and benign deploys only, no cause) straight into a `DriftEngine`, with a drift
/// report every `--every` hours once a day of data is in (the rolling reference is full). Counts what a
/// person would be told that is false: recommendation onsets (a recommendation for an action and scope
/// absent from the previous report), hours with any recommendation, drifted non-version rows, and streaming
/// detector detections. Per 30 days, per seed, in a markdown table.
///   drift-quiet --days 30 --rates 20,200 --seeds 1,2,3 [--every 1]
@main
struct DriftQuiet {
    /// `DRIFT_QUIET_VERBOSE=1`: every drifted row's onset on stderr, with its test and counts.
    nonisolated(unsafe) static var verbose = false
    static func main() throws {
        var days = 30.0, rates: [Double] = [20, 200], seeds: [UInt64] = [1, 2, 3], every = 1.0
        verbose = ProcessInfo.processInfo.environment["DRIFT_QUIET_VERBOSE"] != nil
        var args = CommandLine.arguments.dropFirst()
        while let flag = args.popFirst() {
            guard let value = args.popFirst() else { fatalError("\(flag) needs a value") }
            switch flag {
            case "--days": days = Double(value)!
            case "--rates": rates = value.split(separator: ",").map { Double($0)! }
            case "--seeds": seeds = value.split(separator: ",").map { UInt64($0)! }
            case "--every": every = Double(value)!
            default: fatalError("unknown option \(flag)")
            }
        }
        print("| rate/min | seed | days | records | rec. onsets | /30 d | hours with rec. | drifted rows (onsets) | detector alarms (ADWIN/PH) | /30 d | first false items |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for rate in rates {
            for seed in seeds { try run(rate: rate, seed: seed, days: days, everyHours: every) }
        }
    }

    static func run(rate: Double, seed: UInt64, days: Double, everyHours: Double) throws {
        var workload = WorkloadConfiguration(seed: seed, length: .duration(micros: Int64(days * 86_400_000_000)), requestsPerMinute: rate)
        for spec in WorkloadPreset.quietBenignBumps(days: Int(days)) { workload.add(try WorkloadSpecParser.parse(spec)) }
        let generator = try WorkloadGenerator(workload)
        var engine = DriftEngine()
        let step = Int64(everyHours * 3_600_000_000)
        let warmUp = workload.startMicros + 25 * 3_600_000_000
        var nextReport = warmUp
        var previous: Set<String> = [], previousRows: Set<String> = []
        var onsets = 0, hoursWithRec = 0, rowOnsets = 0
        var examples: [String] = []
        var records = 0
        func evaluate(at micros: Int64) {
            let report = engine.report()
            let recs = Set(report.recommendations.map { "\($0.action)/\($0.suggestedAction ?? "-") [\($0.scope)]" })
            let rows = Set(report.features.filter { $0.drifted && !$0.informational }.map { "\($0.feature)@\($0.scope)" })
            if !recs.isEmpty { hoursWithRec += 1 }
            let fresh = recs.subtracting(previous)
            onsets += fresh.count
            rowOnsets += rows.subtracting(previousRows).count
            if verbose {
                let h = Double(micros - workload.startMicros) / 3_600_000_000
                for row in report.features where row.drifted && !row.informational && !previousRows.contains("\(row.feature)@\(row.scope)") {
                    FileHandle.standardError.write(Data("rate \(Int(workload.requestsPerMinute)) seed \(seed) h \(Int(h)): \(row.feature)@\(row.scope) \(row.statistic) value \(row.value) p \(row.pValue ?? -1) adj \(row.pValueAdjusted ?? -1) ref n \(row.reference.count) \((row.reference.top ?? []).map { "\($0.value)=\(String(format: "%.3f", $0.share))" }) cur n \(row.current.count) \((row.current.top ?? []).map { "\($0.value)=\(String(format: "%.3f", $0.share))" })\n".utf8))
                }
            }
            let hour = Double(micros - workload.startMicros) / 3_600_000_000
            for item in fresh.sorted() where examples.count < 4 {
                let rowsText = report.recommendations.first { "\($0.action)/\($0.suggestedAction ?? "-") [\($0.scope)]" == item }?.features.prefix(2).joined(separator: ",") ?? ""
                examples.append("\(item) {\(rowsText)} at \(Int(hour)) h")
            }
            previous = recs
            previousRows = rows
        }
        for record in generator {
            if record.timestampMicros >= nextReport {
                evaluate(at: nextReport)
                nextReport += step
            }
            engine.ingest(record)
            records += 1
        }
        let detectors = engine.report().detectors
        let adwin = detectors.reduce(0) { $0 + $1.adwinDetections }, ph = detectors.reduce(0) { $0 + $1.pageHinkleyDetections }
        let detail = detectors.filter { $0.adwinDetections + $0.pageHinkleyDetections > 0 }
            .map { "\($0.name) \($0.adwinDetections)/\($0.pageHinkleyDetections)" }
        let per30 = 30 / days
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        let items = (examples + detail).joined(separator: "; ")
        print("| \(Int(rate)) | \(seed) | \(Int(days)) | \(records) | \(onsets) | \(f(Double(onsets) * per30)) | \(hoursWithRec) | \(rowOnsets) | \(adwin)/\(ph) | \(f(Double(adwin + ph) * per30)) | \(items.isEmpty ? "–" : items) |")
    }
}
