import LMDB

extension Store {
    /// Applies the full-record TTL (SPEC §5): retires every dataset none of whose syncs has written to it for longer
    /// than ``RetentionPolicy/fullRecordTTL`` (its ``DatasetSummary/lastWriteAt``, which every batch touching the
    /// dataset moves, unchanged records included). A retired dataset is gone at once: it reads as empty, its counts
    /// are zero, its cursors are rejected with ``TidemarkError/cursorBeforeEmpty``, and the next write starts it
    /// afresh. Its entries are removed by ``purgeEmptiedDatasets(entriesPerTransaction:)`` (which
    /// ``runMaintenance()`` calls next). Returns how many datasets it retired.
    ///
    /// Examines at most ``RetentionPolicy/recordsPerTransaction`` datasets per write transaction; each dataset is
    /// checked again inside the transaction that retires it, so a batch committed meanwhile keeps it alive.
    @discardableResult
    public func applyFullRecordTTL() async throws -> Int {
        let policy = options.retention
        try policy.validate()
        guard let cutoff = RetentionPolicy.cutoff(policy.fullRecordTTL, before: options.clock.now()) else { return 0 }
        let layout = self.layout
        let budget = policy.recordsPerTransaction
        var total = 0
        var after: UInt32? = 0
        while let start = after {
            let step = try await performWrite { txn, _ in
                try Self.expireStep(after: start, cutoff: cutoff, budget: budget, layout: layout, in: txn)
            }
            total += step.expired
            after = step.resumeAfter
        }
        return total
    }

    /// Retires the stale datasets among the next `budget` current ones after id `after`; `resumeAfter` is the last
    /// id examined, `nil` when the catalog's end was reached.
    private static func expireStep(after: UInt32, cutoff: Timestamp, budget: Int, layout: Layout,
                                   in txn: borrowing Transaction) throws -> (expired: Int, resumeAfter: UInt32?) {
        let catalog = DatasetCatalog(layout: layout)
        var last = after
        var reachedEnd = false
        var stale: [DatasetKey] = []
        for _ in 0..<budget {
            guard let dataset = try catalog.current(after: last, in: txn) else {
                reachedEnd = true
                break
            }
            last = dataset.id
            if dataset.lastWriteAt < cutoff { stale.append(dataset.key) }
        }
        for key in stale { try catalog.retire(key, in: txn) }
        return (stale.count, reachedEnd ? nil : last)
    }
}
