/// JSON records packed into one buffer: the input of saves and updates.
///
/// One allocation for a whole batch instead of one per record. Each record must be a JSON object with an `id`
/// (a string, or a number that becomes its decimal string); the engine validates it when the batch is written.
public struct JSONRecords: Sendable, Equatable {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []

    /// An empty list.
    public init() {}

    /// A list of the given JSON texts.
    public init(_ records: some Sequence<String>) {
        for record in records { append(json: record) }
    }

    /// The number of records.
    public var count: Int { ends.count }

    /// Whether the list is empty.
    public var isEmpty: Bool { ends.isEmpty }

    /// Appends one record given as UTF-8 JSON bytes.
    public mutating func append(_ json: some Collection<UInt8>) {
        bytes.append(contentsOf: json)
        ends.append(bytes.count)
    }

    /// Appends one record given as JSON text.
    public mutating func append(json: String) {
        append(json.utf8)
    }

    /// Reserves room for `records` records of about `bytesPerRecord` bytes each.
    public mutating func reserveCapacity(records: Int, bytesPerRecord: Int) {
        bytes.reserveCapacity(records * bytesPerRecord)
        ends.reserveCapacity(records)
    }

    /// Runs `body` with the bytes of record `index`.
    func withRecord<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = index == 0 ? 0 : ends[index - 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[index]])) }
    }
}

/// The changes of one batch to one model: saves, partial updates and deletes, applied in that order.
public struct ModelChanges: Sendable, Equatable {
    /// The model (and variant) changed.
    public var model: ModelName
    /// Whole records to save.
    public var saves = JSONRecords()
    /// Partial records to deep-merge into stored ones.
    public var updates = JSONRecords()
    /// Ids of records to soft-delete.
    public var deletes: [String] = []

    /// Changes to `model`.
    public init(model: ModelName, saves: JSONRecords = .init(), updates: JSONRecords = .init(), deletes: [String] = []) {
        self.model = model
        self.saves = saves
        self.updates = updates
        self.deletes = deletes
    }
}

/// One atomic write for one connection: record changes for one or more models, and optionally the sync's
/// checkpoint. Committed in one LMDB write transaction: all of it becomes visible, or none of it.
public struct Batch: Sendable, Equatable {
    /// The connection written for.
    public var connection: ConnectionKey
    /// The sync writing, needed for a checkpoint write; its variant is the checkpoint's.
    public var sync: String?
    /// The sync variant, for the checkpoint.
    public var syncVariant: String?
    /// The changes, per model, in the order they are applied.
    public var changes: [ModelChanges] = []
    /// A checkpoint write committed with the records.
    public var checkpoint: CheckpointWrite?
    /// The run of ``sync`` this batch belongs to (from ``Store/beginRun(_:)``): its per-model counts are added to
    /// the run's report in the batch's transaction. A run that is not active fails the batch, which writes nothing.
    public var runID: String?

    /// An empty batch for `connection`, written by `sync` (in its run `runID`, when given).
    public init(connection: ConnectionKey, sync: String? = nil, syncVariant: String? = nil, runID: String? = nil) {
        self.connection = connection
        self.sync = sync
        self.syncVariant = syncVariant
        self.runID = runID
    }

    /// Adds records to save into `model`.
    public mutating func save(_ records: JSONRecords, to model: ModelName) {
        changes.append(ModelChanges(model: model, saves: records))
    }

    /// Adds partial records to merge into `model`.
    public mutating func update(_ records: JSONRecords, in model: ModelName) {
        changes.append(ModelChanges(model: model, updates: records))
    }

    /// Adds ids to soft-delete from `model`.
    public mutating func delete(_ ids: [String], from model: ModelName) {
        changes.append(ModelChanges(model: model, deletes: ids))
    }

    /// The number of records in the batch.
    public var recordCount: Int {
        changes.reduce(0) { $0 + $1.saves.count + $1.updates.count + $1.deletes.count }
    }

    var syncKey: SyncKey? {
        sync.map { SyncKey(connection: connection, name: $0, variant: syncVariant) }
    }
}

/// What a batch did to one model: the record ids in each outcome.
public struct ModelSummary: Equatable, Sendable, Codable {
    /// New ids, or ids that came back after a delete.
    public var added: [String] = []
    /// Ids whose payload changed.
    public var updated: [String] = []
    /// Ids saved, merged or deleted with no change: nothing was written for them.
    public var unchanged: [String] = []
    /// Ids soft-deleted.
    public var deleted: [String] = []
    /// Ids that appeared more than once in one list of the batch; the first occurrence won.
    public var nonUnique: [String] = []
    /// Ids updated or deleted that the dataset does not have (or has deleted, for updates).
    public var unknown: [String] = []

    /// An empty summary.
    public init() {}
}

/// What a batch did: a summary per model (keyed `Contact` or `Contact::eu`) and the checkpoint it wrote.
public struct BatchSummary: Equatable, Sendable {
    /// Per-model outcomes.
    public var models: [String: ModelSummary] = [:]
    /// The checkpoint after the batch, when the batch wrote one.
    public var checkpoint: Checkpoint?
    /// The commit timestamp of the batch.
    public var committedAt: Timestamp

    init(committedAt: Timestamp) { self.committedAt = committedAt }
}
