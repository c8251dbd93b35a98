import Foundation
import Logging
import Synchronization

/// What a ``SyncFunction`` works with during one run: the checkpoint to resume from, and the writes.
///
/// Every write is one atomic batch; a batch that carries a checkpoint commits it in the same transaction as its
/// records, with the version this context last saw as the expected version, so two runs of one sync can never
/// both advance the checkpoint. In a dry run nothing is written: batches are applied and rolled back, their
/// outcomes collected, and the checkpoint moves only in memory.
public final class SyncContext<Checkpoint: Codable & Sendable>: Sendable {
    /// The sync and connection being run.
    public let sync: SyncKey
    /// The run's id; `nil` in a dry run.
    public let runID: String?
    /// Logs with the sync, connection and run as metadata.
    public let logger: Logger

    private struct State {
        var checkpoint: Checkpoint?
        var expectedVersion: ExpectedVersion
        var preview: [String: ModelSummary] = [:]
    }

    private let store: Store
    private let state: Mutex<State>

    init(store: Store, sync: SyncKey, runID: String?, checkpoint: Checkpoint?, expectedVersion: ExpectedVersion, logger: Logger) {
        self.store = store
        self.sync = sync
        self.runID = runID
        var logger = logger
        logger[metadataKey: "sync"] = "\(sync)"
        if let runID { logger[metadataKey: "run"] = "\(runID)" }
        self.logger = logger
        state = Mutex(State(checkpoint: checkpoint, expectedVersion: expectedVersion))
    }

    /// The connection the run writes for.
    public var connection: ConnectionKey { sync.connection }

    /// Whether this is a dry run, which writes nothing.
    public var isDryRun: Bool { runID == nil }

    /// The checkpoint to resume from: the last one saved (in this run or before), `nil` on a first run or after
    /// a reset.
    public var checkpoint: Checkpoint? { state.withLock { $0.checkpoint } }

    /// What the dry run's batches would have done, per model.
    var preview: [String: ModelSummary] { state.withLock { $0.preview } }

    /// Saves `records` (each encoded to a JSON object with an `id`) into `model`, with `checkpoint` in the same
    /// transaction when given.
    @discardableResult
    public func batchSave(_ records: some Sequence<some Encodable>, to model: ModelName, checkpoint: Checkpoint? = nil) async throws -> ModelSummary {
        try await batchSave(Self.encode(records), to: model, checkpoint: checkpoint)
    }

    /// Saves JSON `records` into `model`, with `checkpoint` in the same transaction when given.
    @discardableResult
    public func batchSave(_ records: JSONRecords, to model: ModelName, checkpoint: Checkpoint? = nil) async throws -> ModelSummary {
        try await write(ModelChanges(model: model, saves: records), checkpoint: checkpoint)
    }

    /// Deep-merges partial `records` into `model`'s stored ones, with `checkpoint` in the same transaction.
    @discardableResult
    public func batchUpdate(_ records: some Sequence<some Encodable>, in model: ModelName, checkpoint: Checkpoint? = nil) async throws -> ModelSummary {
        try await write(ModelChanges(model: model, updates: Self.encode(records)), checkpoint: checkpoint)
    }

    /// Soft-deletes `ids` from `model`, with `checkpoint` in the same transaction.
    @discardableResult
    public func batchDelete(_ ids: [String], from model: ModelName, checkpoint: Checkpoint? = nil) async throws -> ModelSummary {
        try await write(ModelChanges(model: model, deletes: ids), checkpoint: checkpoint)
    }

    /// Saves the checkpoint alone.
    public func saveCheckpoint(_ value: Checkpoint) async throws {
        _ = try await write(nil, checkpoint: value)
    }

    /// Clears the checkpoint, so the next run starts from the beginning.
    public func clearCheckpoint() async throws {
        try await commit(nil, checkpointWrite: .clear(expected: state.withLock { $0.expectedVersion }), newValue: nil)
    }

    /// Opens (or keeps open) the deletion window of `model` (SPEC §4). No-op in a dry run.
    public func trackDeletesStart(_ model: ModelName) async throws {
        guard let runID else { return }
        try await store.trackDeletesStart(model, sync: sync, runID: runID)
    }

    /// Soft-deletes every record of `model` not saved since the window opened, and returns their ids.
    /// A dry run deletes nothing and returns no ids.
    @discardableResult
    public func trackDeletesEnd(_ model: ModelName) async throws -> [String] {
        guard let runID else { return [] }
        return try await store.trackDeletesEnd(model, sync: sync, runID: runID)
    }

    private func write(_ changes: ModelChanges?, checkpoint value: Checkpoint?) async throws -> ModelSummary {
        let checkpointWrite = try value.map { value in
            CheckpointWrite.set(try CheckpointCoding.fields(of: value), expected: state.withLock { $0.expectedVersion })
        }
        return try await commit(changes, checkpointWrite: checkpointWrite, newValue: value)
    }

    @discardableResult
    private func commit(_ changes: ModelChanges?, checkpointWrite: CheckpointWrite?, newValue: Checkpoint?) async throws -> ModelSummary {
        var batch = Batch(connection: sync.connection, sync: sync.name, syncVariant: sync.variant, runID: runID)
        if let changes { batch.changes = [changes] }
        let model = changes?.model.description ?? ""
        guard runID != nil else {
            // Dry run: nothing is written; the checkpoint moves in memory only.
            let summary = try await store.preview(batch).models[model] ?? ModelSummary()
            state.withLock { state in
                if changes != nil { state.preview[model, default: ModelSummary()].append(summary) }
                if checkpointWrite != nil { state.checkpoint = newValue }
            }
            return summary
        }
        batch.checkpoint = checkpointWrite
        let summary = try await store.write(batch)
        if let written = summary.checkpoint {
            state.withLock { state in
                state.checkpoint = newValue
                state.expectedVersion = .exactly(written.version)
            }
        }
        return summary.models[model] ?? ModelSummary()
    }

    private static func encode(_ records: some Sequence<some Encodable>) throws -> JSONRecords {
        let encoder = JSONEncoder()
        var list = JSONRecords()
        for record in records { list.append(try encoder.encode(record)) }
        return list
    }
}

extension ModelSummary {
    /// Adds another summary's ids to this one's.
    mutating func append(_ other: ModelSummary) {
        added += other.added
        updated += other.updated
        unchanged += other.unchanged
        deleted += other.deleted
        nonUnique += other.nonUnique
        unknown += other.unknown
    }
}
