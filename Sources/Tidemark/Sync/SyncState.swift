import LMDB

/// The row of one sync in `syncs`, under its sync key: its id, how many runs it has begun, and its active run.
///
/// Value: sync id (4) · runs begun (8) · active run present (1) · ``RunRecord``. The sync id is allocated once,
/// from the `next-sync-id` counter in `meta`, and names the sync's reports in `run-reports`, whose keys could not
/// hold the sync key itself (it may be 508 bytes; LMDB keys stop at 511).
///
/// Invariant: at most one run of a sync is active; its number is `runsBegun`.
struct SyncState: Equatable {
    var id: UInt32
    var runsBegun: UInt64 = 0
    var activeRun: RunRecord?

    init(id: UInt32) { self.id = id }

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        id = try reader.read()
        runsBegun = try reader.read()
        if try reader.read(UInt8.self) != 0 { activeRun = try RunRecord(decoding: &reader) }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 96)
        writer.append(id)
        writer.append(runsBegun)
        writer.append(UInt8(activeRun == nil ? 0 : 1))
        activeRun?.encode(into: &writer)
        return writer.bytes
    }
}

/// Reads and writes sync rows and their run reports.
struct SyncTable {
    let layout: Layout

    /// The most reports kept per sync; a new report drops the oldest beyond it.
    static let maximumReports: UInt64 = 100

    private static let nextIDKey = Array("next-sync-id".utf8)

    /// The row of `sync`, or `nil` if it never began a run.
    func state(of sync: SyncKey, in txn: borrowing Transaction) throws -> SyncState? {
        try sync.storageKey.withUnsafeBytes { key in
            try txn.value(in: layout.syncs, forKey: key).map { raw throws(TidemarkError) in try SyncState(decoding: raw) }
        }
    }

    /// The row of `sync`, created with a new sync id if it has none.
    func stateCreating(_ sync: SyncKey, in txn: borrowing Transaction) throws -> SyncState {
        if let existing = try state(of: sync, in: txn) { return existing }
        let id = try Self.nextIDKey.withUnsafeBytes { key -> UInt32 in
            let next: UInt32 = try txn.value(in: layout.meta, forKey: key).map { raw throws(TidemarkError) -> UInt32 in
                var reader = ByteReader(raw)
                return try reader.read(UInt32.self)
            } ?? 1
            try withUnsafeBytes(of: (next + 1).bigEndian) { try txn.put($0, forKey: key, in: layout.meta) }
            return next
        }
        return SyncState(id: id)
    }

    func save(_ state: SyncState, of sync: SyncKey, in txn: borrowing Transaction) throws {
        try sync.storageKey.withUnsafeBytes { key in
            try state.encoded.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.syncs) }
        }
    }

    /// The row of `sync` and its active run, which must be `runID`; throws ``TidemarkError/runNotActive(sync:runID:activeRunID:)``.
    func activeRun(_ runID: String, of sync: SyncKey, in txn: borrowing Transaction) throws -> (SyncState, RunRecord) {
        let state = try state(of: sync, in: txn)
        guard let state, let run = state.activeRun, run.runID == runID else {
            throw TidemarkError.runNotActive(sync: sync.description, runID: runID, activeRunID: state?.activeRun?.runID)
        }
        return (state, run)
    }

    /// Ends `run`, the active run of `state`, with `outcome`: stores its report (dropping the oldest beyond
    /// ``maximumReports``), clears the active run and returns the report. The caller saves `state`.
    func finish(_ run: RunRecord, of state: inout SyncState, sync: SyncKey, outcome: RunOutcome, now: Timestamp,
                in txn: borrowing Transaction) throws -> RunReport {
        let checkpoint = try CheckpointTable(layout: layout).checkpoint(for: sync, in: txn)
        try withReportKey(sync: state.id, number: run.number) { key in
            try run.encodedReport(endedAt: now, checkpointTo: checkpoint, outcome: outcome).withUnsafeBytes {
                try txn.put($0, forKey: key, in: layout.runReports)
            }
        }
        if run.number > Self.maximumReports {
            try withReportKey(sync: state.id, number: run.number - Self.maximumReports) { _ = try txn.delete($0, in: layout.runReports) }
        }
        state.activeRun = nil
        return run.report(for: sync, endedAt: now, checkpointTo: checkpoint, outcome: outcome.bounded)
    }

    /// Up to `limit` reports of `sync`, newest first.
    func reports(of sync: SyncKey, limit: Int, in txn: borrowing Transaction) throws -> [RunReport] {
        guard limit > 0, let state = try state(of: sync, in: txn) else { return [] }
        return try txn.withCursor(on: layout.runReports) { cursor in
            var reports: [RunReport] = []
            var next = try withReportKey(sync: state.id + 1, number: 0) { try cursor.seek(atLeast: $0) }
            next = next == nil ? try cursor.last() : try cursor.previous()
            while let entry = next, reports.count < limit, entry.key.count == 12,
                  entry.key.loadUnaligned(as: UInt32.self) == state.id.bigEndian {
                reports.append(try RunReport(decoding: entry.value, sync: sync))
                next = try cursor.previous()
            }
            return reports
        }
    }

    private func withReportKey<R>(sync: UInt32, number: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withLogKey(dataset: sync, sequence: number, body)
    }
}
