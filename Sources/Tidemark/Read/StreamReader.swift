import LMDB

/// Reads a dataset's change stream inside a read transaction.
///
/// A page is one `MDB_SET_RANGE` to the position after the cursor and then a forward scan of the dataset's log
/// range: the log holds exactly the latest version of each record, in commit order, so no entry is skipped as
/// superseded. The cost of a page follows the page (plus entries that a filter rejects on the way).
struct StreamReader {
    let layout: Layout
    let catalog: DatasetCatalog

    init(layout: Layout) {
        self.layout = layout
        self.catalog = DatasetCatalog(layout: layout)
    }

    /// One page of records.
    func page(of key: DatasetKey, query: RecordQuery, in txn: borrowing Transaction) throws -> RecordPage {
        var records: [StoredRecord] = []
        records.reserveCapacity(min(query.limit, 1024))
        let nextCursor = try forEachRecord(of: key, query: query, in: txn) { records.append(StoredRecord($0)) }
        return RecordPage(records: records, nextCursor: nextCursor)
    }

    /// The same page as ``page(of:query:in:)``, rendered as the platform's body straight from the log entries.
    func pageJSON(of key: DatasetKey, query: RecordQuery, in txn: borrowing Transaction) throws -> RecordPageJSON {
        var body = RecordPageBody(capacity: try estimatedPageSize(of: key, query: query, in: txn))
        let nextCursor = try forEachRecord(of: key, query: query, in: txn) { body.append(payload: $0.payload, metadata: $0.metadata) }
        let count = body.count
        return RecordPageJSON(body: body.finish(nextCursor: nextCursor), count: count, nextCursor: nextCursor)
    }

    /// The bytes a page of `query` is likely to take, from the dataset's record count and payload bytes, so that
    /// its buffer is allocated once rather than grown (and copied) a dozen times on a page of 10,000.
    private func estimatedPageSize(of key: DatasetKey, query: RecordQuery, in txn: borrowing Transaction) throws -> Int {
        let envelope = 64
        guard let counts = try catalog.record(of: key, in: txn)?.counts else { return envelope }
        let records = Int(max(counts.live + counts.deleted, 1))
        let perRecord = Int(counts.payloadBytes) / records + RecordMetadata.maximumJSONSize
        return envelope + min(query.limit, query.ids?.count ?? records, records) * perRecord * 9 / 8
    }

    /// Lends each record of the page `query` asks for to `body`, in stream order, and returns the cursor to read
    /// on from when more matching records followed the page, else `nil`.
    func forEachRecord(of key: DatasetKey, query: RecordQuery, in txn: borrowing Transaction,
                       _ body: (BorrowedRecord) throws -> Void) throws -> String? {
        var last: StreamCursor?
        let hasMore = try visitPage(of: key, query: query, in: txn) { entry, position in
            try BorrowedRecord.lend(entry, at: position, to: body)
            last = position
        }
        return hasMore ? last?.encoded : nil
    }

    /// Calls `visit` with each record of the page `query` asks for, in stream order, and returns whether more
    /// matching records followed it. The entries are borrowed from the map: valid only inside `txn`.
    private func visitPage(of key: DatasetKey, query: RecordQuery, in txn: borrowing Transaction,
                           _ visit: (LogEntry, StreamCursor) throws -> Void) throws -> Bool {
        try key.validate()
        try query.validate()
        let current = try catalog.id(of: key, in: txn)
        let after = try query.cursor.map { text in try position(of: StreamCursor(parsing: text), for: key, currentID: current, in: txn) } ?? 0
        guard let dataset = current else { return false }
        if let ids = query.ids {
            return try visitPage(of: dataset, ids: ids, after: after, query: query, in: txn, visit)
        }
        var visited = 0
        var hasMore = false
        try withLogKey(dataset: dataset, sequence: after + 1) { start in
            try txn.withCursor(on: layout.log) { cursor in
                var next = try cursor.seek(atLeast: start)
                while let entry = next {
                    let position = try decodeLogKey(entry.key)
                    guard position.dataset == dataset else { break }
                    let (action, modified) = try LogEntry.peek(entry.value)
                    if query.matches(action, lastModifiedAt: modified) {
                        if visited == query.limit {
                            hasMore = true
                            break
                        }
                        try visit(try LogEntry(decoding: entry.value), StreamCursor(dataset: dataset, sequence: position.sequence))
                        visited += 1
                    }
                    next = try cursor.next()
                }
            }
        }
        return hasMore
    }

    /// A page restricted to `ids`: one view lookup per id, then the matches in stream order.
    private func visitPage(of dataset: UInt32, ids: [String], after: UInt64, query: RecordQuery, in txn: borrowing Transaction,
                           _ visit: (LogEntry, StreamCursor) throws -> Void) throws -> Bool {
        var found: [(sequence: UInt64, entry: LogEntry)] = []
        for id in Set(ids) {
            guard let located = try logEntry(id, in: dataset, txn: txn), located.sequence > after,
                  query.matches(located.entry.action, lastModifiedAt: located.entry.lastModifiedAt)
            else { continue }
            found.append(located)
        }
        found.sort { $0.sequence < $1.sequence }
        for located in found.prefix(query.limit) {
            try visit(located.entry, StreamCursor(dataset: dataset, sequence: located.sequence))
        }
        return found.count > query.limit
    }

    /// The record `id` of `dataset`, or `nil`.
    func record(_ id: String, in dataset: UInt32, txn: borrowing Transaction) throws -> StoredRecord? {
        try logEntry(id, in: dataset, txn: txn).map { located in
            BorrowedRecord.lend(located.entry, at: StreamCursor(dataset: dataset, sequence: located.sequence)) { StoredRecord($0) }
        }
    }

    /// The log entry of record `id` of `dataset` with its sequence, or `nil`; borrowed from the map.
    private func logEntry(_ id: String, in dataset: UInt32, txn: borrowing Transaction) throws -> (sequence: UInt64, entry: LogEntry)? {
        var key = ByteWriter(capacity: 4 + id.utf8.count)
        ViewEntry.key(dataset: dataset, recordID: id, into: &key)
        let view = try key.bytes.withUnsafeBytes { raw in
            try txn.value(in: layout.view, forKey: raw).map { value throws(TidemarkError) in try ViewEntry(decoding: value) }
        }
        guard let view else { return nil }
        return try withLogKey(dataset: dataset, sequence: view.sequence) { logKey in
            guard let raw = try txn.value(in: layout.log, forKey: logKey) else {
                throw TidemarkError.corrupted("the view points at log position \(view.sequence) of dataset \(dataset), which is missing")
            }
            return (view.sequence, try LogEntry(decoding: raw))
        }
    }

    /// The first or last cursor of a dataset's stream, or `nil` when it is empty.
    func edgeCursor(of key: DatasetKey, last: Bool, in txn: borrowing Transaction) throws -> String? {
        try key.validate()
        guard let dataset = try catalog.id(of: key, in: txn) else { return nil }
        return try txn.withCursor(on: layout.log) { cursor in
            let entry: Cursor.Entry?
            if last {
                let after = try withLogKey(dataset: dataset + 1, sequence: 0) { try cursor.seek(atLeast: $0) }
                entry = after == nil ? try cursor.last() : try cursor.previous()
            } else {
                entry = try withLogKey(dataset: dataset, sequence: 0) { try cursor.seek(atLeast: $0) }
            }
            guard let entry else { return nil }
            let position = try decodeLogKey(entry.key)
            return position.dataset == dataset ? StreamCursor(dataset: dataset, sequence: position.sequence).encoded : nil
        }
    }

    /// The sequence a cursor stands at, after checking that it belongs to `key`'s current dataset.
    func position(of cursor: StreamCursor, for key: DatasetKey, currentID: UInt32?, in txn: borrowing Transaction) throws -> UInt64 {
        if cursor.dataset == currentID { return cursor.sequence }
        guard let named = try catalog.record(cursor.dataset, in: txn) else { throw TidemarkError.malformedCursor }
        if named.key == key && named.isEmptied { throw TidemarkError.cursorBeforeEmpty }
        throw TidemarkError.cursorFromAnotherDataset
    }
}
