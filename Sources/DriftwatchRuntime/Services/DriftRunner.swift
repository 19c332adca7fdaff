public import DriftwatchDrift
public import DriftwatchStore
import DriftwatchCore
public import Logging

/// Brings the drift detector up to date with the store: restores its state, counts the records
/// stored since the last commit (following the table by row id) and commits the new state with
/// the last row id in one transaction, so a crash never counts a row twice or skips one. Shared by
/// ``DriftService`` (under `run`) and `driftwatch drift`.
public struct DriftRunner: Sendable {
    public let store: SQLiteStore
    public let settings: DriftwatchConfiguration.DriftSettings
    let logger: Logger

    public init(store: SQLiteStore, settings: DriftwatchConfiguration.DriftSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    /// What one catch-up did.
    public struct Progress: Sendable {
        public var engine: DriftEngine
        public var lastRowID: Int64
        public var rowsCounted: Int
        /// Stored rows whose raw line no longer decodes (should not happen: ingest validated them).
        public var undecodable: Int
    }

    /// Counts every stored row after the committed one, committing after each batch. When another
    /// process committed first, it reloads and continues from there.
    public func catchUp(maxRows: Int = .max, onBatch: ((_ rowsDone: Int) -> Void)? = nil) throws -> Progress {
        var (engine, lastRowID, expected) = try restoreForWriting()
        var counted = 0, undecodable = 0
        let decoder = RecordDecoder()
        var bounds = FreeFormBounds(capsSlices: false)
        while counted < maxRows {
            let rows = try store.records(afterID: lastRowID, limit: min(settings.batchRows, maxRows - counted))
            if rows.isEmpty { break }
            var next = engine
            for row in rows {
                do {
                    // Long strings are cut before they become categories; distinct values are capped by the
                    // detector's own vocabularies.
                    var record = try decoder.decode(row.raw)
                    bounds.apply(&record)
                    next.ingest(record)
                } catch { undecodable += 1 }
            }
            let newLast = rows[rows.count - 1].id
            let committed = try store.saveDriftState(lastRowID: newLast, state: try next.snapshot(), expectedLastRowID: expected)
            if committed {
                engine = next
                lastRowID = newLast
                expected = newLast
                counted += rows.count
            } else {
                logger.debug("drift state changed underneath; reloading")
                (engine, lastRowID, expected) = try restoreForWriting()
            }
            onBatch?(counted)
        }
        return Progress(engine: engine, lastRowID: lastRowID, rowsCounted: counted, undecodable: undecodable)
    }

    /// The committed state, or a fresh detector when there is none or it no longer fits the
    /// configuration (which then starts over from the first stored row).
    public func restore() throws -> (DriftEngine, Int64) {
        guard let stored = try store.loadDriftState() else { return (DriftEngine(configuration: settings.detector), 0) }
        if let engine = try? DriftEngine(configuration: settings.detector, restoring: stored.state) {
            return (engine, stored.lastRowID)
        }
        logger.notice("stored drift state does not match the configuration; starting over", metadata: ["last_row_id": "\(stored.lastRowID)"])
        // A read-only store (`drift --no-catch-up`, a read-only file) keeps its state: the fresh detector is this run's only.
        if store.access != .readOnly { try store.clearDriftState() }
        return (DriftEngine(configuration: settings.detector), 0)
    }

    /// Like ``restore()``, plus the row id the next commit must find stored (nil: none stored).
    private func restoreForWriting() throws -> (DriftEngine, Int64, Int64?) {
        let (engine, lastRowID) = try restore()
        return (engine, lastRowID, try store.loadDriftState()?.lastRowID)
    }

    /// Writes the example set of a retraining recommendation as JSON Lines (the stored raw lines).
    public func exportExamples(_ examples: ExampleSet) throws -> [UInt8] {
        let query = RecordQuery(
            from: examples.fromMicros, to: examples.toMicros, modelName: examples.modelName, outcome: examples.outcome,
            slices: [examples.sliceKey: examples.sliceValue], limit: examples.limit)
        var out: [UInt8] = []
        for line in try store.rawRecords(query) {
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// ``catchUp(maxRows:onBatch:)`` with progress on standard error when it is a terminal.
    public func catchUpShowingProgress() throws -> Progress {
        let total = try store.countRecords(afterRowID: try store.loadDriftState()?.lastRowID ?? 0)
        let meter = TerminalProgress.make(label: "drift", total: total)
        let progress = try catchUp(onBatch: meter.map { meter in { meter.update(done: $0) } })
        meter?.finish(done: progress.rowsCounted)
        return progress
    }
}
