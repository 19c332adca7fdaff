import DriftwatchCore

/// Writes records into `record_blocks`, skipping `request_id`s already in `record_keys`.
enum RecordBlockWriter {
    /// Inserts the batch's records that are new (``IngestBatch/records``, then ``IngestBatch/scanned``), in
    /// order, into blocks of the current transaction; returns how many were new and, aligned with them,
    /// each one's row id (0 for a duplicate).
    static func insert(_ batch: IngestBatch, ingestedAt: Int64, state: SQLiteStore.State) throws -> (inserted: Int, rowIDs: [Int64]) {
        guard batch.recordCount > 0 else { return (0, []) }
        let connection = state.connection
        let key = try state.insertKey ?? connection.prepare("INSERT OR IGNORE INTO record_keys (request_id, row) VALUES (?, ?)")
        state.insertKey = key
        var nextRow = try lastRow(connection) + 1
        var rowIDs: [Int64] = []
        rowIDs.reserveCapacity(batch.recordCount)
        var inserted = 0
        state.blockBuilder.removeAll()
        /// Claims the request id for the next row; false if it is already stored.
        func claim(_ requestID: UnsafeRawBufferPointer) throws -> Bool {
            try key.stepBindingText(1, borrowing: requestID, then: 2, nextRow)
            guard connection.changes > 0 else { rowIDs.append(0); return false }
            return true
        }
        func stored() throws {
            rowIDs.append(nextRow)
            nextRow += 1
            inserted += 1
            if state.blockBuilder.isFull { try flush(state, ingestedAt: ingestedAt) }
        }
        // Records are read in place through a pointer: a record is a ~1.2 KiB struct, and an Array
        // subscript, an iterator or a closure capture would copy it (and retain every string in it).
        try batch.records.withUnsafeBufferPointer { items in
            guard let base = items.baseAddress else { return }
            for index in 0..<items.count {
                let item = base + index
                var id = item.pointee.record.requestID
                guard try id.withUTF8({ try claim(UnsafeRawBufferPointer($0)) }) else { continue }
                state.blockBuilder.append(item, row: nextRow)
                try stored()
            }
        }
        if let arena = batch.arena, !batch.scanned.isEmpty {
            try flush(state, ingestedAt: ingestedAt)  // blocks refer to the arena only while it is borrowed
            try arena.withUnsafeBytes { bytes in
                try batch.scanned.withUnsafeBufferPointer { items in
                    guard let base = items.baseAddress else { return }
                    for index in 0..<items.count {
                        let item = base + index
                        let id = item.pointee.columns.requestID
                        guard try claim(UnsafeRawBufferPointer(rebasing: bytes[id.start..<(id.start + id.count)])) else { continue }
                        state.blockBuilder.append(item, arena: bytes, row: nextRow)
                        try stored()
                    }
                }
                try flush(state, ingestedAt: ingestedAt)
            }
        }
        try flush(state, ingestedAt: ingestedAt)
        return (inserted, rowIDs)
    }

    /// The highest row id ever given, 0 when there is none.
    static func lastRow(_ connection: SQLiteConnection) throws -> Int64 {
        try connection.scalarInt("""
            SELECT MAX(COALESCE((SELECT last_row FROM record_blocks ORDER BY first_row DESC LIMIT 1), 0),
                       COALESCE((SELECT value FROM ingest_totals WHERE name = 'row_high_water'), 0))
            """)
    }

    /// Remembers that row ids up to `row` were given (before deleting blocks).
    static func raiseRowHighWater(to row: Int64, _ connection: SQLiteConnection) throws {
        let statement = try connection.prepare("""
            INSERT INTO ingest_totals (name, value) VALUES ('row_high_water', ?)
            ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)
            """)
        statement.bind(1, row)
        try statement.run()
    }

    /// Writes the builder's records as one block and empties it.
    static func flush(_ state: SQLiteStore.State, ingestedAt: Int64) throws {
        guard !state.blockBuilder.isEmpty else { return }
        let statement = try state.insertBlock ?? state.connection.prepare(insertBlockSQL)
        state.insertBlock = statement
        try write(state.blockBuilder, ingestedAt: ingestedAt, with: statement)
        state.blockBuilder.removeAll()
    }

    static let insertBlockSQL = """
        INSERT INTO record_blocks (first_row, last_row, count, ts_min, ts_max, ingested_at, columns, lines)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func write(_ builder: RecordBlockBuilder, ingestedAt: Int64, with statement: SQLiteStatement) throws {
        statement.bind(1, builder.firstRow)
        statement.bind(2, builder.lastRow)
        statement.bind(3, Int64(builder.count))
        statement.bind(4, builder.tsMin)
        statement.bind(5, builder.tsMax)
        statement.bind(6, ingestedAt)
        statement.bindBlob(7, builder.encodedColumns())
        try builder.withLines { lines in try statement.stepBindingBlob(8, borrowing: lines) }
        statement.reset()
    }
}

/// Migration 6: moves the rows of the old one-row-per-record `records` table into blocks, keeping their
/// row ids (the analyzer and drift detector remember the last row id they processed).
enum RecordBlockMigration {
    @Sendable static func moveRowsIntoBlocks(_ connection: SQLiteConnection) throws {
        let decoder = RecordDecoder()
        let select = try connection.prepare("SELECT id, raw, ingested_at FROM records WHERE id > ? ORDER BY id LIMIT 10000")
        let key = try connection.prepare("INSERT OR IGNORE INTO record_keys (request_id, row) VALUES (?, ?)")
        let block = try connection.prepare(RecordBlockWriter.insertBlockSQL)
        let deadLetter = try connection.prepare("""
            INSERT OR IGNORE INTO dead_letters (source, fingerprint, offset, length, code, reason, raw, created_at)
            VALUES ('migration', 'records', ?, ?, ?, ?, ?, ?)
            """)
        var builder = RecordBlockBuilder()
        var ingestedAt: Int64 = 0
        var last: Int64 = 0
        while true {
            select.bind(1, last)
            var rows: [(id: Int64, raw: [UInt8], ingestedAt: Int64)] = []
            while try select.step() { rows.append((select.int64(0), select.blob(1), select.int64(2))) }
            select.reset()
            guard let end = rows.last?.id else { break }
            last = end
            for row in rows {
                let record: RequestRecord
                do {
                    record = try decoder.decode(row.raw)
                } catch {
                    // Stored by an older decoder and refused by this one: kept as a dead letter, not lost.
                    deadLetter.bind(1, row.id)
                    deadLetter.bind(2, Int64(row.raw.count))
                    deadLetter.bind(3, error.code)
                    deadLetter.bind(4, "stored record no longer decodes: \(error.reason)")
                    deadLetter.bindBlob(5, Array(row.raw.prefix(DeadLetter.maxRawBytes)))
                    deadLetter.bind(6, WallClock.nowMicros())
                    try deadLetter.run()
                    continue
                }
                key.bind(1, record.requestID)
                key.bind(2, row.id)
                try key.run()
                row.raw.withUnsafeBytes { builder.append(record, raw: $0, row: row.id) }
                ingestedAt = max(ingestedAt, row.ingestedAt)
                if builder.isFull {
                    try RecordBlockWriter.write(builder, ingestedAt: ingestedAt, with: block)
                    builder.removeAll()
                    ingestedAt = 0
                }
            }
        }
        if !builder.isEmpty { try RecordBlockWriter.write(builder, ingestedAt: ingestedAt, with: block) }
        // Followers may have read up to the last old row, even one that became a dead letter above.
        try RecordBlockWriter.raiseRowHighWater(to: last, connection)
        try connection.execute("DROP TABLE records")
    }
}
