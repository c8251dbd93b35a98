import LMDB

extension Store {
    /// What `batch` would do, without writing it: the batch is applied in a nested transaction that is then
    /// rolled back. Its checkpoint write, if any, is checked too. Used by dry runs.
    public func preview(_ batch: Batch) async throws -> BatchSummary {
        let clock = options.clock
        return try await performWrite { txn, writer in
            do {
                try txn.nested { child -> Never in throw RolledBack(summary: try writer.apply(batch, now: clock.now(), in: child)) }
            } catch let rolledBack as RolledBack {
                return rolledBack.summary
            }
        }
    }
}

/// Carries a previewed batch's summary out of the nested transaction it aborts.
private struct RolledBack: Error {
    let summary: BatchSummary
}
