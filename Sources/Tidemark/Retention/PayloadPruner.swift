import LMDB

/// Drops payloads from one dataset's log, oldest first, in bounded steps: the engine of the payload TTL and of
/// prune up to a cursor (SPEC §5).
///
/// A pruned entry keeps its key (its position), action, timestamps and hash; its payload becomes empty and
/// `prunedAt` is set. Its view entry is marked pruned and the dataset's payload bytes go down by the payload's size;
/// the live and deleted counts do not change.
///
/// Both rules select the oldest entries of a dataset, so what is pruned is a prefix of its log. The dataset keeps
/// that prefix's end, ``DatasetRecord/prunedThrough``: every entry at or before it is pruned. A step starts right
/// after the mark and moves it over every entry it passes, so finished work is not read again, and after a crash
/// the next step resumes where the last committed one ended. An unchanged re-save that restores a pruned payload
/// moves the mark back before the restored entry, so it is pruned again when it is still stale.
struct PayloadPruner {
    /// Where a pass ends.
    enum Bound {
        /// At the first entry last modified at or after this instant (a TTL's cutoff). Entries are in commit order
        /// and `last_modified_at` never decreases along them, so every entry before that one is older.
        case modifiedBefore(Timestamp)
        /// After this position (prune up to a cursor, the cursor's own entry included).
        case atOrBefore(sequence: UInt64)
    }

    /// Why a step ended.
    enum Stop: Equatable {
        /// No unpruned entry is left within the bound.
        case finished
        /// An unpruned entry within the bound is left, but the step's limit was reached.
        case limitReached
        /// The step examined as many entries as its budget allows; another step goes on from there.
        case budgetSpent
    }

    let layout: Layout

    /// Prunes, in `txn`, up to `limit` unpruned entries of dataset `id` within `bound`, examining at most `budget`
    /// entries. Pruned entries get `prunedAt = now`. A dataset that is gone or emptied has nothing to prune.
    func step(dataset id: UInt32, bound: Bound, limit: Int, budget: Int, now: Timestamp,
              in txn: borrowing Transaction) throws -> (pruned: Int, stop: Stop) {
        let catalog = DatasetCatalog(layout: layout)
        guard var dataset = try catalog.record(id, in: txn), !dataset.isEmptied else { return (0, .finished) }
        var pruned = 0
        var examined = 0
        var stop = Stop.finished
        var rewritten: [UInt8] = []
        try withLogKey(dataset: id, sequence: dataset.prunedThrough + 1) { start in
            try txn.withCursor(on: layout.log) { cursor in
                var next = try cursor.seek(atLeast: start)
                while let raw = next {
                    let position = try decodeLogKey(raw.key)
                    guard position.dataset == id else { break }
                    var entry = try LogEntry(decoding: raw.value)
                    guard bound.admits(position.sequence, lastModifiedAt: entry.lastModifiedAt) else { break }
                    guard examined < budget else {
                        stop = .budgetSpent
                        break
                    }
                    if entry.prunedAt == nil {
                        guard pruned < limit else {
                            stop = .limitReached
                            break
                        }
                        let recordID = entry.id  // copied: the rewrite below replaces the bytes it borrows
                        dataset.counts.payloadBytes -= Int64(entry.payload.count)
                        entry.prunedAt = now
                        entry.payload = UnsafeRawBufferPointer(start: nil, count: 0)
                        rewritten.removeAll(keepingCapacity: true)
                        rewritten.append(contentsOf: repeatElement(0, count: entry.encodedSize))
                        rewritten.withUnsafeMutableBytes { entry.encode(into: $0) }
                        // Replacing the value through the cursor keeps the cursor on this key for `next()`.
                        try withLogKey(dataset: id, sequence: position.sequence) { key in
                            try rewritten.withUnsafeBytes { try cursor.put($0, forKey: key) }
                        }
                        try markPruned(recordID, of: id, in: txn)
                        pruned += 1
                    }
                    examined += 1
                    dataset.prunedThrough = position.sequence
                    next = try cursor.next()
                }
            }
        }
        if examined > 0 { try catalog.save(dataset, in: txn) }
        return (pruned, stop)
    }

    private func markPruned(_ recordID: String, of dataset: UInt32, in txn: borrowing Transaction) throws {
        var key = ByteWriter(capacity: 4 + recordID.utf8.count)
        ViewEntry.key(dataset: dataset, recordID: recordID, into: &key)
        try key.bytes.withUnsafeBytes { key in
            guard let raw = try txn.value(in: layout.view, forKey: key) else {
                throw TidemarkError.corrupted("record '\(recordID)' of dataset \(dataset) is in the log but not in the view")
            }
            var view = try ViewEntry(decoding: raw)
            view.isPruned = true
            var value = ByteWriter(capacity: ViewEntry.size)
            view.encode(into: &value)
            try value.bytes.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.view) }
        }
    }
}

extension PayloadPruner.Bound {
    /// Whether the entry at `sequence`, last modified at `lastModifiedAt`, lies within the bound.
    func admits(_ sequence: UInt64, lastModifiedAt: Timestamp) -> Bool {
        switch self {
        case .modifiedBefore(let cutoff): lastModifiedAt < cutoff
        case .atOrBefore(let last): sequence <= last
        }
    }
}

extension Store {
    /// Prunes up to `limit` entries of dataset `id` within `bound`, one bounded write transaction after another
    /// (``RetentionPolicy/recordsPerTransaction`` entries each), each in turn with the batches. Returns how many it
    /// pruned and whether it stopped at the limit with unpruned entries left within the bound.
    func prunePayloads(ofDataset id: UInt32, within bound: PayloadPruner.Bound, limit: Int,
                       now: Timestamp) async throws -> (pruned: Int, hasMore: Bool) {
        let pruner = PayloadPruner(layout: layout)
        let budget = options.retention.recordsPerTransaction
        var total = 0
        while true {
            let remaining = limit - total
            let step = try await performWrite { txn, _ in
                try pruner.step(dataset: id, bound: bound, limit: remaining, budget: budget, now: now, in: txn)
            }
            total += step.pruned
            switch step.stop {
            case .finished: return (total, false)
            case .limitReached: return (total, true)
            case .budgetSpent: continue
            }
        }
    }
}
