import LMDB

/// What ``Store/beginRun(_:)`` returns: the new run's id and where the sync should resume.
public struct RunStart: Equatable, Sendable {
    /// The run's id; put it in every ``Batch/runID`` of the run and pass it to the deletion-window calls and to
    /// ``Store/finishRun(_:runID:outcome:)``.
    public var runID: String
    /// The sync's checkpoint (value and version) as the run begins; `nil` on a first run. A cleared checkpoint
    /// (after a reset) has a `nil` value and its last version.
    public var checkpoint: Checkpoint?
    /// The report of the previous run, when it was still active and this begin closed it as interrupted.
    public var interruptedRun: RunReport?
}

extension Store {
    /// The error text of a run closed because a new run of its sync began.
    public static let supersededRunError = "interrupted: superseded by a new run"

    /// Begins a run of `sync` (SPEC §4) and returns its id and the checkpoint to resume from.
    ///
    /// A run of the same sync that is still active (its process died, or it was never finished) is closed first as
    /// failed with ``supersededRunError``; its report is returned in ``RunStart/interruptedRun``. Deletion windows
    /// are not touched: a window opened by the interrupted run stays open for this one.
    public func beginRun(_ sync: SyncKey) async throws -> RunStart {
        try sync.validate()
        let (layout, clock) = (self.layout, options.clock)
        return try await performWrite { txn, _ in
            let table = SyncTable(layout: layout)
            let now = clock.now()
            var state = try table.stateCreating(sync, in: txn)
            var interrupted: RunReport?
            if let run = state.activeRun {
                interrupted = try table.finish(run, of: &state, sync: sync, outcome: .failure(Self.supersededRunError), now: now, in: txn)
            }
            let checkpoint = try CheckpointTable(layout: layout).checkpoint(for: sync, in: txn)
            state.runsBegun += 1
            state.activeRun = RunRecord(number: state.runsBegun, startedAt: now, checkpointFrom: checkpoint)
            try table.save(state, of: sync, in: txn)
            return RunStart(runID: String(state.runsBegun), checkpoint: checkpoint, interruptedRun: interrupted)
        }
    }

    /// Finishes the active run `runID` of `sync` and returns its report, which is also kept in the sync's history
    /// (the last ``SyncTable/maximumReports`` runs). A failure text longer than ``RunOutcome/maximumErrorLength``
    /// bytes is cut. Throws ``TidemarkError/runNotActive(sync:runID:activeRunID:)`` if `runID` is not active.
    ///
    /// Finishing never deletes records: a deletion window left open by a failed run stays open for the next run.
    public func finishRun(_ sync: SyncKey, runID: String, outcome: RunOutcome) async throws -> RunReport {
        try sync.validate()
        let (layout, clock) = (self.layout, options.clock)
        return try await performWrite { txn, _ in
            let table = SyncTable(layout: layout)
            var (state, run) = try table.activeRun(runID, of: sync, in: txn)
            let report = try table.finish(run, of: &state, sync: sync, outcome: outcome, now: clock.now(), in: txn)
            try table.save(state, of: sync, in: txn)
            return report
        }
    }

    /// The reports of `sync`'s finished runs, newest first, at most `limit` (the history keeps the last 100).
    public func runHistory(of sync: SyncKey, limit: Int = 100) throws -> [RunReport] {
        try read { txn in
            try sync.validate()
            return try SyncTable(layout: layout).reports(of: sync, limit: limit, in: txn)
        }
    }
}
