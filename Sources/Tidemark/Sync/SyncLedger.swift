import LMDB

/// What a batch records about its sync, in the batch's own transaction (SPEC §4): that the sync wrote each of
/// the batch's datasets, and, when the batch names a run, the batch's counts in that run's report. Called by
/// ``BatchWriter/apply(_:now:in:)`` after the records are applied; a throw fails the whole batch.
struct SyncLedger {
    let layout: Layout

    func record(_ batch: Batch, summary: BatchSummary, in txn: borrowing Transaction) throws {
        guard let sync = batch.syncKey else {
            if batch.runID != nil { throw TidemarkError.invalidRequest("a batch that names a run must name its sync") }
            return
        }
        let datasets = DatasetSyncsTable(layout: layout)
        var noted: [ModelName] = []
        for change in batch.changes where !noted.contains(change.model)
            && !(change.saves.isEmpty && change.updates.isEmpty && change.deletes.isEmpty) {
            noted.append(change.model)
            try datasets.note(sync, wrote: DatasetKey(connection: batch.connection, model: change.model), in: txn)
        }
        guard let runID = batch.runID else { return }
        let table = SyncTable(layout: layout)
        var (state, run) = try table.activeRun(runID, of: sync, in: txn)
        run.count(summary)
        state.activeRun = run
        try table.save(state, of: sync, in: txn)
    }
}
