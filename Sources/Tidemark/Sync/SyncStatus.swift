import LMDB

/// A run that has begun and not finished: still running, or its process died (the next begin closes it).
public struct ActiveRun: Equatable, Sendable {
    /// The run's id.
    public var runID: String
    /// When it began.
    public var startedAt: Timestamp
    /// What its batches have done so far, per model.
    public var models: [String: RunCounts]
}

/// The state of one sync of a connection (SPEC §4 status); the schedule, when there is one, is the scheduler's.
public struct SyncStatus: Equatable, Sendable {
    /// The sync.
    public var sync: SyncKey
    /// The report of its last finished run.
    public var lastRun: RunReport?
    /// Its active run, if one has begun and not finished.
    public var activeRun: ActiveRun?
    /// The counts of each of its datasets (every model it has written for this connection), keyed `Contact` or
    /// `Contact::eu`; zero for a dataset emptied and not written since.
    public var records: [String: DatasetCounts]
    /// Its checkpoint; `nil` if it never saved one.
    public var checkpoint: Checkpoint?
    /// The models with an open deletion window, and when each was opened.
    public var deletionWindows: [String: Timestamp]
}

extension Store {
    /// The status of `sync`: last run report, active run, record counts per model, checkpoint, open deletion windows.
    public func status(of sync: SyncKey) throws -> SyncStatus {
        try read { txn in
            try sync.validate()
            let catalog = DatasetCatalog(layout: layout)
            let windows = DeletionWindowTable(layout: layout)
            var records: [String: DatasetCounts] = [:]
            var open: [String: Timestamp] = [:]
            for model in try DatasetSyncsTable(layout: layout).models(of: sync, in: txn) {
                let dataset = try catalog.record(of: DatasetKey(connection: sync.connection, model: model), in: txn)
                records[model.description] = dataset?.counts ?? DatasetCounts()
                if let dataset, let window = try windows.window(of: dataset.id, in: txn).open {
                    open[model.description] = window.openedAt
                }
            }
            let table = SyncTable(layout: layout)
            let active = try table.state(of: sync, in: txn)?.activeRun.map {
                ActiveRun(runID: $0.runID, startedAt: $0.startedAt, models: $0.models)
            }
            return SyncStatus(sync: sync, lastRun: try table.reports(of: sync, limit: 1, in: txn).first, activeRun: active,
                              records: records, checkpoint: try CheckpointTable(layout: layout).checkpoint(for: sync, in: txn),
                              deletionWindows: open)
        }
    }

    /// The syncs of `connection`: every sync that has begun a run, saved a checkpoint or written a dataset for it,
    /// sorted by name and variant.
    public func syncs(of connection: ConnectionKey) throws -> [SyncKey] {
        try read { txn in
            try connection.validate()
            var found = Set<SyncKey>()
            for database in [layout.syncs, layout.checkpoints] {
                try forEachSyncKey(of: connection, in: database, txn: txn) { found.insert($0) }
            }
            for row in try DatasetSyncsTable(layout: layout).rows(of: connection, in: txn) {
                for sync in row.syncs { found.insert(SyncKey(connection: connection, name: sync.name, variant: sync.variant)) }
            }
            return found.sorted { ($0.name, $0.variant ?? "") < ($1.name, $1.variant ?? "") }
        }
    }

    /// Calls `body` with the sync of every key of `database` (keyed by ``SyncKey/storageKey``) under `connection`.
    private func forEachSyncKey(of connection: ConnectionKey, in database: Database, txn: borrowing Transaction,
                                _ body: (SyncKey) -> Void) throws {
        let prefix = connection.keyPrefix
        try txn.withCursor(on: database) { cursor in
            var next = try prefix.withUnsafeBytes { try cursor.seek(atLeast: $0) }
            while let entry = next, entry.key.starts(with: prefix) {
                let rest = entry.key[prefix.count...].split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
                if let name = rest.first {
                    let variant = rest.count > 1 ? String(decoding: rest[1], as: UTF8.self) : nil
                    body(SyncKey(connection: connection, name: String(decoding: name, as: UTF8.self), variant: variant))
                }
                next = try cursor.next()
            }
        }
    }
}

extension ConnectionKey {
    /// `integration NUL connection NUL`: the prefix of the connection's keys in `dataset-syncs`, `syncs` and
    /// `checkpoints`.
    var keyPrefix: [UInt8] {
        Array(integrationID.utf8) + [0] + Array(connectionID.utf8) + [0]
    }
}
