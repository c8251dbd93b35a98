import LMDB

extension Store {
    /// How many view entries one transaction of `trackDeletesEnd` scans, and how many noted ids one cleanup
    /// transaction removes.
    static let deletionWindowStep = 10_000

    /// Opens a deletion window on `model` of `sync`'s connection, for the active run `runID` (SPEC §4): every
    /// record saved from now on, changed or unchanged, counts as seen.
    ///
    /// A window that is already open (a run was interrupted between start and end) is kept with its original
    /// start. The dataset is created (empty) if the sync has not written it yet, and counts as one of the
    /// sync's datasets.
    public func trackDeletesStart(_ model: ModelName, sync: SyncKey, runID: String) async throws {
        try sync.validate()
        try model.validate()
        let (layout, clock) = (self.layout, options.clock)
        let key = DatasetKey(connection: sync.connection, model: model)
        let limit = Self.deletionWindowStep
        // Ids noted by an earlier window's End that was interrupted during its cleanup are removed first, a step
        // at a time, so that they never mix with this window's.
        while try await performWrite({ txn, _ in
            _ = try SyncTable(layout: layout).activeRun(runID, of: sync, in: txn)
            let catalog = DatasetCatalog(layout: layout)
            var head = try Head.load(in: txn, layout: layout)
            let created = try catalog.record(of: key, in: txn) == nil
            var dataset = try catalog.recordCreating(key, head: &head, now: max(clock.now(), head.lastTimestamp), in: txn)
            if created { try head.store(in: txn, layout: layout) }
            try DatasetSyncsTable(layout: layout).note(sync, wrote: key, in: txn)
            let windows = DeletionWindowTable(layout: layout)
            var window = try windows.window(of: dataset.id, in: txn)
            guard window.open == nil else { return false }
            if try windows.clearDeletedIDs(of: dataset.id, limit: limit, in: txn) > 0 { return true }
            guard window.lastGeneration < UInt32.max else {
                throw TidemarkError.invalidRequest("dataset \(key) has used every deletion-window generation")
            }
            window.lastGeneration += 1
            window.open = DeletionWindow.Open(generation: window.lastGeneration, openedAt: clock.now())
            dataset.windowGeneration = window.lastGeneration
            try windows.save(window, of: dataset.id, in: txn)
            try catalog.save(dataset, in: txn)
            return false
        }) {}
    }

    /// Closes the deletion window on `model` for the active run `runID`: soft-deletes every live record of the
    /// dataset not saved since the window opened, exactly as a batch delete does (each moves to the end of the
    /// stream as DELETED, its payload kept), and returns their ids in id order. The deletions count in this
    /// run's report.
    ///
    /// Works in transactions of at most ``deletionWindowStep`` view entries, with its progress stored in the
    /// window: if the process dies part-way, the window stays open, and the next End (of this or a later run)
    /// goes on from there and returns every id, the earlier ones included. Throws
    /// ``TidemarkError/noDeletionWindow(dataset:)`` when no window is open.
    public func trackDeletesEnd(_ model: ModelName, sync: SyncKey, runID: String) async throws -> [String] {
        try sync.validate()
        try model.validate()
        while true {
            if let deleted = try await endDeletionWindowStep(model, sync: sync, runID: runID, limit: Self.deletionWindowStep) {
                return deleted
            }
        }
    }

    /// One transaction of ``trackDeletesEnd(_:sync:runID:)``: scans up to `limit` view entries after the window's
    /// progress and deletes the unseen live ones. Returns `nil` while entries remain; once the scan reaches the
    /// end it closes the window, counts the deletions in the run, removes the noted ids (a step at a time) and
    /// returns them.
    func endDeletionWindowStep(_ model: ModelName, sync: SyncKey, runID: String, limit: Int) async throws -> [String]? {
        let (layout, clock) = (self.layout, options.clock)
        let key = DatasetKey(connection: sync.connection, model: model)
        let closed = try await performWrite { txn, writer -> (UInt32, [String])? in
            let syncs = SyncTable(layout: layout)
            _ = try syncs.activeRun(runID, of: sync, in: txn)
            let catalog = DatasetCatalog(layout: layout)
            let windows = DeletionWindowTable(layout: layout)
            guard let dataset = try catalog.record(of: key, in: txn), dataset.windowGeneration != 0 else {
                throw TidemarkError.noDeletionWindow(dataset: key.description)
            }
            var window = try windows.window(of: dataset.id, in: txn)
            guard var open = window.open, open.generation == dataset.windowGeneration else {
                throw TidemarkError.corrupted("dataset \(key) has window generation \(dataset.windowGeneration) but its window row disagrees")
            }
            let scan = try Self.scanUnseen(dataset: dataset.id, generation: open.generation, after: open.scannedThrough,
                                           limit: limit, layout: layout, in: txn)
            let deleted = scan.unseen.isEmpty ? [] : try writer.softDelete(scan.unseen, from: key, now: clock.now(), in: txn)
            try windows.noteDeleted(deleted, of: dataset.id, in: txn)
            open.deleted += UInt64(deleted.count)
            open.scannedThrough = scan.last ?? open.scannedThrough
            guard scan.reachedEnd else {
                window.open = open
                try windows.save(window, of: dataset.id, in: txn)
                return nil
            }
            var (state, run) = try syncs.activeRun(runID, of: sync, in: txn)
            run.models[model.description, default: RunCounts()].deleted += Int64(open.deleted)
            state.activeRun = run
            try syncs.save(state, of: sync, in: txn)
            guard var current = try catalog.record(dataset.id, in: txn) else {
                throw TidemarkError.corrupted("dataset \(key) lost its catalog row while its window closed")
            }
            current.windowGeneration = 0
            try catalog.save(current, in: txn)
            window.open = nil
            try windows.save(window, of: dataset.id, in: txn)
            return (dataset.id, try windows.deletedIDs(of: dataset.id, in: txn))
        }
        guard let (dataset, ids) = closed else { return nil }
        try await clearDeletedIDs(of: dataset)
        return ids
    }

    /// Removes the ids noted for `dataset` by a closed window's End, a step at a time.
    func clearDeletedIDs(of dataset: UInt32) async throws {
        let (layout, limit) = (self.layout, Self.deletionWindowStep)
        while try await performWrite({ txn, _ in
            try DeletionWindowTable(layout: layout).clearDeletedIDs(of: dataset, limit: limit, in: txn) > 0
        }) {}
    }

    /// The ids of the live records of `dataset` whose seen mark is not `generation`, among up to `limit` view
    /// entries after `after`; the last id scanned, and whether the scan reached the end of the dataset.
    private static func scanUnseen(dataset: UInt32, generation: UInt32, after: String?, limit: Int, layout: Layout,
                                   in txn: borrowing Transaction) throws -> (unseen: [String], last: String?, reachedEnd: Bool) {
        var start = ByteWriter(capacity: 260)
        ViewEntry.key(dataset: dataset, recordID: after ?? "", into: &start)
        return try txn.withCursor(on: layout.view) { cursor in
            var unseen: [String] = []
            var last: String?
            var scanned = 0
            var next = try start.bytes.withUnsafeBytes { try cursor.seek(atLeast: $0) }
            if after != nil, let entry = next, entry.key.elementsEqual(start.bytes) { next = try cursor.next() }
            while let entry = next, entry.key.count > 4, entry.key.loadUnaligned(as: UInt32.self) == dataset.bigEndian {
                guard scanned < limit else { return (unseen, last, false) }
                let id = String(decoding: UnsafeRawBufferPointer(rebasing: entry.key[4...]), as: UTF8.self)
                let view = try ViewEntry(decoding: entry.value)
                if !view.isDeleted && view.seenGeneration != generation { unseen.append(id) }
                last = id
                scanned += 1
                next = try cursor.next()
            }
            return (unseen, last, true)
        }
    }
}

extension BatchWriter {
    /// Soft-deletes `ids` from `dataset` through the batch path, so a window's deletions are exactly batch
    /// deletes (same log entries, view entries and counts); returns the ids deleted.
    mutating func softDelete(_ ids: [String], from dataset: DatasetKey, now: Timestamp, in txn: borrowing Transaction) throws -> [String] {
        var batch = Batch(connection: dataset.connection)
        batch.delete(ids, from: dataset.model)
        return try apply(batch, now: now, in: txn).models[dataset.model.description]?.deleted ?? []
    }
}
