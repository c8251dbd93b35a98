import LMDB

/// What ``Store/trigger(_:reset:emptyCache:)`` did.
public struct ResetSummary: Equatable, Sendable {
    /// The sync's checkpoint after the reset: no value, its version bumped; `nil` if it never had one.
    public var checkpoint: Checkpoint?
    /// The models (`Contact`, `Contact::eu`) whose open deletion window was closed without deleting.
    public var closedWindows: [String] = []
    /// The models whose dataset was emptied by `emptyCache`.
    public var emptiedModels: [String] = []
    /// Records hard-deleted by `emptyCache` (by the purge of every emptied dataset of the store).
    public var purgedRecords = 0
    /// The report of the run that was active and was closed as interrupted by the reset.
    public var interruptedRun: RunReport?
}

extension Store {
    /// The error text of a run closed because its sync was reset.
    public static let resetRunError = "interrupted: the sync was reset"

    /// Prepares `sync` for a triggered run (SPEC §4); the caller (a scheduler) then begins the run.
    ///
    /// - `reset`: clears the sync's checkpoint (it reads as no value; its version grows) and closes the deletion
    ///   windows of the sync's datasets without deleting anything; the records are kept, so the next run still
    ///   tells new records from updated ones. An active run of the sync is closed as failed with
    ///   ``resetRunError``: what it would save next belongs to the state before the reset.
    /// - `emptyCache` (only with `reset`): also hard-deletes the sync's datasets for its connection, without DELETED
    ///   events. Their names are freed at once, so the next write starts a new dataset whose records are ADDED, and
    ///   every cursor handed out for the old ones fails with ``TidemarkError/cursorBeforeEmpty``; the old entries are
    ///   then purged in bounded transactions before this call returns.
    ///
    /// Without `reset` nothing is changed. `emptyCache` without `reset` throws ``TidemarkError/invalidRequest(_:)``.
    /// Each step is idempotent: after a failure (the call throws), calling again with the same flags finishes the job.
    @discardableResult
    public func trigger(_ sync: SyncKey, reset: Bool = false, emptyCache: Bool = false) async throws -> ResetSummary {
        try sync.validate()
        if emptyCache && !reset {
            throw TidemarkError.invalidRequest("emptyCache needs reset: emptying the cache while keeping the checkpoint would resume from it with the records gone; pass reset too")
        }
        guard reset else { return ResetSummary() }
        let (layout, clock) = (self.layout, options.clock)
        let (resetSummary, datasets) = try await performWrite { txn, _ in
            try Self.reset(sync, now: clock.now(), layout: layout, in: txn)
        }
        var summary = resetSummary
        for dataset in datasets { try await clearDeletedIDs(of: dataset) }
        guard emptyCache else { return summary }
        summary.emptiedModels = try await performWrite { txn, _ in
            let catalog = DatasetCatalog(layout: layout)
            var emptied: [String] = []
            for model in try DatasetSyncsTable(layout: layout).models(of: sync, in: txn) {
                guard let dataset = try catalog.record(of: DatasetKey(connection: sync.connection, model: model), in: txn) else { continue }
                try catalog.retire(dataset.key, in: txn)
                try DeletionWindowTable(layout: layout).remove(of: dataset.id, in: txn)
                emptied.append(model.description)
            }
            return emptied
        }
        summary.purgedRecords = try await purgeEmptiedDatasets(entriesPerTransaction: Self.deletionWindowStep)
        return summary
    }

    /// The reset transaction: closes the active run, clears the checkpoint, closes the windows. Returns the summary
    /// and the ids of the sync's datasets, whose noted window ids are then cleared.
    private static func reset(_ sync: SyncKey, now: Timestamp, layout: Layout,
                              in txn: borrowing Transaction) throws -> (ResetSummary, [UInt32]) {
        var summary = ResetSummary()
        let syncs = SyncTable(layout: layout)
        if var state = try syncs.state(of: sync, in: txn), let run = state.activeRun {
            summary.interruptedRun = try syncs.finish(run, of: &state, sync: sync, outcome: .failure(resetRunError), now: now, in: txn)
            try syncs.save(state, of: sync, in: txn)
        }
        let checkpoints = CheckpointTable(layout: layout)
        if try checkpoints.checkpoint(for: sync, in: txn) != nil {
            summary.checkpoint = try checkpoints.apply(.clear(), for: sync, now: now, in: txn)
        }
        let catalog = DatasetCatalog(layout: layout)
        let windows = DeletionWindowTable(layout: layout)
        var datasets: [UInt32] = []
        for model in try DatasetSyncsTable(layout: layout).models(of: sync, in: txn) {
            guard var dataset = try catalog.record(of: DatasetKey(connection: sync.connection, model: model), in: txn) else { continue }
            datasets.append(dataset.id)
            var window = try windows.window(of: dataset.id, in: txn)
            guard window.open != nil else { continue }
            window.open = nil
            dataset.windowGeneration = 0
            try windows.save(window, of: dataset.id, in: txn)
            try catalog.save(dataset, in: txn)
            summary.closedWindows.append(model.description)
        }
        return (summary, datasets)
    }
}
