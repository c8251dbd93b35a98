import LMDB

extension Store {
    /// Removes the log and view entries of emptied datasets (see ``DatasetCatalog/retire(_:in:)``), at most
    /// `entriesPerTransaction` per write transaction, so a dataset of any size is purged without a giant
    /// transaction; the emptied dataset's counts go down with every step and reach zero. Resumable: a crash
    /// between steps leaves the rest for the next call. Returns how many records were removed.
    @discardableResult
    public func purgeEmptiedDatasets(entriesPerTransaction: Int = 10_000) async throws -> Int {
        let limit = max(1, entriesPerTransaction)
        var total = 0
        while true {
            let layout = self.layout
            let removed = try await performWrite { txn, _ in try Self.purgeStep(limit: limit, layout: layout, in: txn) }
            guard let removed else { return total }
            total += removed
        }
    }

    /// Removes up to `limit` entries of one emptied dataset; `nil` when none is left to purge.
    private static func purgeStep(limit: Int, layout: Layout, in txn: borrowing Transaction) throws -> Int? {
        let catalog = DatasetCatalog(layout: layout)
        let pending = try txn.withCursor(on: layout.datasets) { cursor -> DatasetRecord? in
            var next = try cursor.first()
            while let raw = next {
                let record = try DatasetRecord(decoding: raw.value)
                if record.isEmptied && record.counts != DatasetCounts() { return record }
                next = try cursor.next()
            }
            return nil
        }
        guard var dataset = pending else { return nil }
        var removed = 0
        var viewKey = ByteWriter(capacity: 300)
        try withLogKey(dataset: dataset.id, sequence: 0) { start in
            try txn.withCursor(on: layout.log) { cursor in
                var next = try cursor.seek(atLeast: start)
                while let raw = next, removed < limit, try decodeLogKey(raw.key).dataset == dataset.id {
                    let entry = try LogEntry(decoding: raw.value)
                    if entry.action == .deleted { dataset.counts.deleted -= 1 } else { dataset.counts.live -= 1 }
                    dataset.counts.payloadBytes -= Int64(entry.payload.count)
                    viewKey.bytes.removeAll(keepingCapacity: true)
                    ViewEntry.key(dataset: dataset.id, recordID: entry.id, into: &viewKey)
                    try cursor.deleteCurrent()
                    try viewKey.bytes.withUnsafeBytes { _ = try txn.delete($0, in: layout.view) }
                    removed += 1
                    next = try cursor.seek(atLeast: start)
                }
            }
        }
        if removed == 0 {
            // Nothing left in the log: the counts were off; settle them rather than loop forever.
            dataset.counts = DatasetCounts()
        }
        try catalog.save(dataset, in: txn)
        return removed
    }
}
