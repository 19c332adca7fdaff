import DriftwatchCore

/// One `record_blocks` row as read back: its records' columns and, when asked for, their lines.
struct StoredBlock {
    var firstRow: Int64
    var lastRow: Int64
    var count: Int
    var tsMin: Int64
    var tsMax: Int64
    var ingestedAt: Int64
    var entries: [RecordBlockEntry]
    var lines: [UInt8]

    /// The record's line, exactly as it was read.
    func line(_ entry: RecordBlockEntry) -> [UInt8] {
        guard entry.linePacked else { return Array(lines[entry.lineStart..<(entry.lineStart + entry.lineLength)]) }
        return lines.withUnsafeBytes { LinePacking.unpack(UnsafeRawBufferPointer(rebasing: $0[entry.lineStart..<(entry.lineStart + entry.lineLength)])) }
    }

    /// Calls `body` with the record's line as the block stores it (packed when `entry.linePacked`);
    /// throws if the columns place it outside the lines blob.
    func withStoredLine<T>(_ entry: RecordBlockEntry, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        guard entry.lineStart + entry.lineLength <= lines.count else {
            throw DriftwatchError(.storage, "record block \(firstRow): a line lies outside its lines blob")
        }
        return try lines.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[entry.lineStart..<(entry.lineStart + entry.lineLength)])) }
    }

    /// The block starting at `firstRow`, if there is one.
    static func load(_ connection: SQLiteConnection, firstRow: Int64, withLines: Bool) throws -> StoredBlock? {
        try fetch(connection, withLines: withLines, decodeEntries: true)(firstRow)
    }

    /// A reader of one block by its first row id, nil when there is none.
    private static func fetch(_ connection: SQLiteConnection, withLines: Bool, decodeEntries: Bool) throws -> (Int64) throws -> StoredBlock? {
        // Blobs only when asked for: SQLite reads a selected column's overflow pages even if it is not used.
        let statement = try connection.prepare("""
            SELECT first_row, last_row, count, ts_min, ts_max, ingested_at, \(decodeEntries ? "columns" : "NULL"), \(withLines ? "lines" : "NULL")
            FROM record_blocks WHERE first_row = ?
            """)
        return { firstRow in
            statement.bind(1, firstRow)
            defer { statement.reset() }
            guard try statement.step() else { return nil }
            return StoredBlock(
                firstRow: firstRow, lastRow: statement.int64(1), count: Int(statement.int64(2)),
                tsMin: statement.int64(3), tsMax: statement.int64(4), ingestedAt: statement.int64(5),
                entries: decodeEntries ? try RecordBlockReader.entries(statement.blob(6), block: firstRow) : [],
                lines: withLines ? statement.blob(7) : []
            )
        }
    }

    /// Reads the blocks whose time range overlaps `[from, to)` (either bound may be absent), in row order,
    /// starting with the block that holds `startingAtRow` if given. `body` returns false to stop early.
    ///
    /// Two steps: the matching blocks' row ids first (through the `ts_max` index or the row id), then each
    /// block by its row id. One query ordered by row id makes SQLite scan every block to test the time range.
    static func scan(
        _ connection: SQLiteConnection, from: Int64? = nil, to: Int64? = nil, startingAtRow: Int64? = nil,
        descending: Bool = false, withLines: Bool, decodeEntries: Bool = true,
        _ body: (StoredBlock) throws -> Bool
    ) throws {
        var conditions: [String] = []
        if from != nil { conditions.append("ts_max >= ?1") }
        if to != nil { conditions.append("ts_min < ?2") }
        if startingAtRow != nil {
            // The block holding the row (the last one starting at or before it) and every later one.
            conditions.append("first_row >= COALESCE((SELECT MAX(first_row) FROM record_blocks WHERE first_row <= ?3), 0)")
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        // With a time range, no ORDER BY: SQLite would rather scan every block in row order than sort.
        let timed = from != nil || to != nil
        let ids = try connection.prepare("SELECT first_row FROM record_blocks\(filter)\(timed ? "" : " ORDER BY first_row")")
        // Numbered parameters: the ones a query leaves out are bound and unused.
        ids.bind(1, from ?? .min)
        ids.bind(2, to ?? .max)
        ids.bind(3, startingAtRow ?? 0)
        var firstRows: [Int64] = []
        while try ids.step() { firstRows.append(ids.int64(0)) }
        if timed { firstRows.sort() }
        if descending { firstRows.reverse() }
        let read = try fetch(connection, withLines: withLines, decodeEntries: decodeEntries)
        for firstRow in firstRows {
            guard let block = try read(firstRow) else { continue }
            if try !body(block) { break }
        }
    }
}

extension RecordQuery {
    /// Whether the query looks at anything but time.
    var filtersColumns: Bool {
        task != nil || modelName != nil || modelVersion != nil || templateVersion != nil || indexVersion != nil
            || route != nil || outcome != nil || needsLine || !requestIDs.isEmpty
    }

    /// Whether the query needs the record's line (tools and slices are not columns).
    var needsLine: Bool { tool != nil || !slices.isEmpty }

    /// Whether a stored record matches. `line` is only called when ``needsLine``.
    func matches(_ e: RecordBlockEntry, line: () -> [UInt8]) -> Bool {
        if let from, e.timestampMicros < from { return false }
        if let to, e.timestampMicros >= to { return false }
        if let task, e.task != task { return false }
        if let modelName, e.modelName != modelName { return false }
        if let modelVersion, e.modelVersion != modelVersion { return false }
        if let templateVersion, e.templateVersion != templateVersion { return false }
        if let indexVersion, e.indexVersion != indexVersion { return false }
        if let route, e.route != route { return false }
        if let outcome, e.outcome != outcome { return false }
        if !requestIDs.isEmpty, !requestIDs.contains(e.requestID) { return false }
        guard needsLine else { return true }
        guard let record = try? RecordDecoder().decode(line()) else { return false }
        if let tool, !record.tools.contains(where: { $0.name == tool }) { return false }
        for (key, value) in slices {
            // Compared as text, as `SliceValue.description` prints them (`true`, `3`, `de`).
            guard let slice = record.slices.first(where: { $0.key == key }), slice.value.description == value else { return false }
        }
        return true
    }
}
