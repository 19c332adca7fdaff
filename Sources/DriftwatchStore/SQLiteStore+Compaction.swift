import DriftwatchCore

extension SQLiteStore {
    /// Blocks with fewer records than this are merged with their small neighbours by compaction.
    static let smallBlockRecords = RecordBlockBuilder.maxRecords / 4

    /// Merges runs of adjacent small blocks committed before `cutoff` (µs) into blocks of up to 1,024
    /// records, keeping every record's row id, line and columns; returns how many blocks went away.
    ///
    /// A sidecar tailing a quiet service commits a few records at a time, one small block each; merged,
    /// they cost less space and fewer reads per query. Recent blocks are left alone: a merged block has one
    /// ingestion time, and alert rules measure ingest lag on recent records. At most `maxGroups` merges run
    /// per call (one transaction), so a pass stays short.
    @discardableResult
    public func compactRecordBlocks(committedBefore cutoff: Int64, maxGroups: Int = 16) throws -> Int {
        try withState { state in
            let connection = state.connection
            // Every block in row order (a merge must not span a block it leaves out); recent ones end a run.
            let list = try connection.prepare("""
                SELECT first_row, count, length(lines), ingested_at < ? FROM record_blocks ORDER BY first_row
                """)
            list.bind(1, cutoff)
            var groups: [[Int64]] = []
            var run: [Int64] = []
            var runRecords = 0
            var runBytes = 0
            func close() {
                if run.count > 1 { groups.append(run) }
                run = []
                runRecords = 0
                runBytes = 0
            }
            while try list.step(), groups.count < maxGroups {
                let (firstRow, count, bytes) = (list.int64(0), Int(list.int64(1)), Int(list.int64(2)))
                guard count < Self.smallBlockRecords, list.int64(3) != 0 else { close(); continue }
                if runRecords + count > RecordBlockBuilder.maxRecords || runBytes + bytes > RecordBlockBuilder.maxLineBytes { close() }
                run.append(firstRow)
                runRecords += count
                runBytes += bytes
            }
            list.reset()
            if groups.count < maxGroups { close() }
            guard !groups.isEmpty else { return 0 }
            return try connection.transaction {
                let delete = try connection.prepare("DELETE FROM record_blocks WHERE first_row = ?")
                let insert = try connection.prepare(RecordBlockWriter.insertBlockSQL)
                var removed = 0
                var merged = RecordBlockBuilder()
                for group in groups {
                    merged.removeAll()
                    var ingestedAt = Int64.min
                    for firstRow in group {
                        guard let block = try StoredBlock.load(connection, firstRow: firstRow, withLines: true) else { continue }
                        ingestedAt = max(ingestedAt, block.ingestedAt)
                        for entry in block.entries {
                            try block.withStoredLine(entry) { merged.append(entry, storedLine: $0) }
                        }
                        delete.bind(1, firstRow)
                        try delete.run()
                    }
                    guard !merged.isEmpty else { continue }
                    try RecordBlockWriter.write(merged, ingestedAt: ingestedAt, with: insert)
                    removed += group.count - 1
                }
                return removed
            }
        }
    }
}
