import LMDB

/// Applies batches inside a write transaction. Owned by the writer thread and reused, so its scratch buffers
/// make the per-record path allocation-free in the steady state.
///
/// Per record, a save costs one view lookup; when the payload is unchanged nothing else is touched. A change
/// appends one log entry (`MDB_APPEND` when the dataset is the last in the log), removes the record's previous
/// log entry, and rewrites its view entry.
struct BatchWriter {
    private let layout: Layout
    private let catalog: DatasetCatalog
    private let checkpoints: CheckpointTable
    private let options: StoreOptions
    private var json = CanonicalJSON()
    private var payload: [UInt8] = []
    private var previousPayload: [UInt8] = []
    private var viewKey = ByteWriter(capacity: 300)
    private var viewValue = ByteWriter(capacity: ViewEntry.size)

    init(layout: Layout, options: StoreOptions) {
        self.layout = layout
        self.catalog = DatasetCatalog(layout: layout)
        self.checkpoints = CheckpointTable(layout: layout)
        self.options = options
    }

    /// Applies `batch` in `txn` at the store clock's `now`; throws (and the caller aborts) on any rejection.
    mutating func apply(_ batch: Batch, now clockNow: Timestamp, in txn: borrowing Transaction) throws -> BatchSummary {
        try batch.connection.validate()
        for change in batch.changes { try change.model.validate() }
        let sync = batch.syncKey
        try sync?.validate()
        var head = try Head.load(in: txn, layout: layout)
        let now = max(clockNow, head.lastTimestamp)
        head.lastTimestamp = now
        var summary = BatchSummary(committedAt: now)
        if let write = batch.checkpoint {
            guard let sync else { throw TidemarkError.invalidRequest("a batch with a checkpoint write must name its sync") }
            summary.checkpoint = try checkpoints.apply(write, for: sync, now: now, in: txn)
        }
        for change in batch.changes where !(change.saves.isEmpty && change.updates.isEmpty && change.deletes.isEmpty) {
            let key = DatasetKey(connection: batch.connection, model: change.model)
            var dataset = try catalog.recordCreating(key, head: &head, now: now, in: txn)
            var result = summary.models[change.model.description] ?? ModelSummary()
            var context = Context(dataset: dataset, head: head, now: now, excluded: options.excludedFields(of: change.model.name))
            try applySaves(change, &context, &result, in: txn)
            try applyUpdates(change, &context, &result, in: txn)
            try applyDeletes(change, &context, &result, in: txn)
            dataset = context.dataset
            head = context.head
            dataset.lastWriteAt = now
            try catalog.save(dataset, in: txn)
            summary.models[change.model.description] = result
        }
        try SyncLedger(layout: layout).record(batch, summary: summary, in: txn)
        try head.store(in: txn, layout: layout)
        return summary
    }

    /// The state one model's changes work on.
    private struct Context {
        var dataset: DatasetRecord
        var head: Head
        let now: Timestamp
        let excluded: FieldSet
    }

    private mutating func applySaves(_ change: ModelChanges, _ context: inout Context, _ result: inout ModelSummary,
                                     in txn: borrowing Transaction) throws {
        var seen = Set<String>(minimumCapacity: change.saves.count)
        for index in 0..<change.saves.count {
            let (id, hash) = try change.saves.withRecord(at: index) { raw in
                try canonicalize(raw, model: change.model, operation: "save", index: index, excluded: context.excluded)
            }
            guard seen.insert(id).inserted else {
                result.nonUnique.append(id)
                continue
            }
            guard let existing = try viewEntry(dataset: context.dataset.id, recordID: id, in: txn) else {
                try appendVersion(.added, id: id, hash: hash, firstSeenAt: context.now, deletedAt: nil, prunedAt: nil,
                                  payloadIsPrevious: false, context: &context, in: txn)
                context.dataset.counts.live += 1
                context.dataset.counts.payloadBytes += Int64(payload.count)
                result.added.append(id)
                continue
            }
            if existing.isDeleted {
                let previous = try removeVersion(existing.sequence, of: context.dataset.id, in: txn)
                try appendVersion(.added, id: id, hash: hash, firstSeenAt: context.now, deletedAt: nil, prunedAt: nil,
                                  payloadIsPrevious: false, context: &context, in: txn)
                context.dataset.counts.deleted -= 1
                context.dataset.counts.live += 1
                context.dataset.counts.payloadBytes += Int64(payload.count) - Int64(previous.payloadSize)
                result.added.append(id)
            } else if existing.hash == hash {
                try keepUnchanged(existing, id: id, restoring: existing.isPruned, context: &context, in: txn)
                result.unchanged.append(id)
            } else {
                let previous = try removeVersion(existing.sequence, of: context.dataset.id, in: txn)
                try appendVersion(.updated, id: id, hash: hash, firstSeenAt: previous.firstSeenAt, deletedAt: nil,
                                  prunedAt: nil, payloadIsPrevious: false, context: &context, in: txn)
                context.dataset.counts.payloadBytes += Int64(payload.count) - Int64(previous.payloadSize)
                result.updated.append(id)
            }
        }
    }

    private mutating func applyUpdates(_ change: ModelChanges, _ context: inout Context, _ result: inout ModelSummary,
                                       in txn: borrowing Transaction) throws {
        var seen = Set<String>(minimumCapacity: change.updates.count)
        for index in 0..<change.updates.count {
            try change.updates.withRecord(at: index) { raw in
                try checkSize(raw, model: change.model, operation: "update", index: index)
                let id = try recordProblem(model: change.model, operation: "update", index: index) { () throws(RecordProblem) in
                    try json.recordID(raw)
                }
                guard seen.insert(id).inserted else {
                    result.nonUnique.append(id)
                    return
                }
                guard let existing = try viewEntry(dataset: context.dataset.id, recordID: id, in: txn), !existing.isDeleted else {
                    result.unknown.append(id)
                    return
                }
                let previous = try readVersion(existing.sequence, of: context.dataset.id, in: txn)
                let merged = previousPayload.withUnsafeBytes { base in
                    Result { () throws(RecordProblem) in try json.merge(patch: raw, into: base, excluding: context.excluded, output: &payload).hash }
                }
                let hash = try recordProblem(model: change.model, operation: "update", index: index) { () throws(RecordProblem) in try merged.get() }
                if hash == existing.hash {
                    try keepUnchanged(existing, id: id, restoring: false, context: &context, in: txn)
                    result.unchanged.append(id)
                    return
                }
                try withLogKey(dataset: context.dataset.id, sequence: existing.sequence) { key in _ = try txn.delete(key, in: layout.log) }
                try appendVersion(.updated, id: id, hash: hash, firstSeenAt: previous.firstSeenAt, deletedAt: nil,
                                  prunedAt: nil, payloadIsPrevious: false, context: &context, in: txn)
                context.dataset.counts.payloadBytes += Int64(payload.count) - Int64(previous.payloadSize)
                result.updated.append(id)
            }
        }
    }

    private mutating func applyDeletes(_ change: ModelChanges, _ context: inout Context, _ result: inout ModelSummary,
                                       in txn: borrowing Transaction) throws {
        var seen = Set<String>(minimumCapacity: change.deletes.count)
        for (index, id) in change.deletes.enumerated() {
            try recordProblem(model: change.model, operation: "delete", index: index) { () throws(RecordProblem) in
                try RecordID.validate(id)
            }
            guard seen.insert(id).inserted else {
                result.nonUnique.append(id)
                continue
            }
            guard let existing = try viewEntry(dataset: context.dataset.id, recordID: id, in: txn) else {
                result.unknown.append(id)
                continue
            }
            if existing.isDeleted {
                result.unchanged.append(id)
                continue
            }
            let previous = try removeVersion(existing.sequence, of: context.dataset.id, in: txn)
            try appendVersion(.deleted, id: id, hash: existing.hash, firstSeenAt: previous.firstSeenAt,
                              deletedAt: context.now, prunedAt: previous.prunedAt, payloadIsPrevious: true,
                              context: &context, in: txn)
            context.dataset.counts.live -= 1
            context.dataset.counts.deleted += 1
            result.deleted.append(id)
        }
    }

    // MARK: - Record steps

    /// What a removed or read version held that its successor needs.
    private struct PreviousVersion {
        var action: RecordAction
        var firstSeenAt: Timestamp
        var lastModifiedAt: Timestamp
        var prunedAt: Timestamp?
        var payloadSize: Int
    }

    private func checkSize(_ raw: UnsafeRawBufferPointer, model: ModelName, operation: String, index: Int) throws {
        if raw.count > options.maximumRecordSize {
            throw TidemarkError.recordTooLarge(model: model.description, operation: operation, index: index,
                                               size: raw.count, limit: options.maximumRecordSize)
        }
    }

    private mutating func canonicalize(_ raw: UnsafeRawBufferPointer, model: ModelName, operation: String, index: Int,
                                       excluded: FieldSet) throws -> (String, PayloadHash) {
        try checkSize(raw, model: model, operation: operation, index: index)
        return try recordProblem(model: model, operation: operation, index: index) { () throws(RecordProblem) in
            let result = try json.canonicalizeRecord(raw, excluding: excluded, into: &payload)
            return (result.id, result.hash)
        }
    }

    private func recordProblem<R>(model: ModelName, operation: String, index: Int,
                                  _ body: () throws(RecordProblem) -> R) throws(TidemarkError) -> R {
        do {
            return try body()
        } catch {
            throw .invalidRecord(model: model.description, operation: operation, index: index, problem: error)
        }
    }

    private mutating func viewEntry(dataset: UInt32, recordID: String, in txn: borrowing Transaction) throws -> ViewEntry? {
        viewKey.bytes.removeAll(keepingCapacity: true)
        ViewEntry.key(dataset: dataset, recordID: recordID, into: &viewKey)
        return try viewKey.bytes.withUnsafeBytes { key in
            try txn.value(in: layout.view, forKey: key).map { raw throws(TidemarkError) in try ViewEntry(decoding: raw) }
        }
    }

    /// Writes the view entry for the key last looked up with ``viewEntry(dataset:recordID:in:)``.
    private mutating func putViewEntry(_ entry: ViewEntry, in txn: borrowing Transaction) throws {
        viewValue.bytes.removeAll(keepingCapacity: true)
        entry.encode(into: &viewValue)
        try viewKey.bytes.withUnsafeBytes { key in
            try viewValue.bytes.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.view) }
        }
    }

    /// Reads the version at `sequence`, copying its payload into `previousPayload`.
    private mutating func readVersion(_ sequence: UInt64, of dataset: UInt32, in txn: borrowing Transaction) throws -> PreviousVersion {
        try withLogKey(dataset: dataset, sequence: sequence) { key in
            guard let raw = try txn.value(in: layout.log, forKey: key) else {
                throw TidemarkError.corrupted("the view points at log position \(sequence) of dataset \(dataset), which is missing")
            }
            let entry = try LogEntry(decoding: raw)
            previousPayload.removeAll(keepingCapacity: true)
            if entry.prunedAt == nil {
                previousPayload.append(contentsOf: entry.payload)
            } else {
                previousPayload.append(contentsOf: "{}".utf8)
            }
            return PreviousVersion(action: entry.action, firstSeenAt: entry.firstSeenAt, lastModifiedAt: entry.lastModifiedAt,
                                   prunedAt: entry.prunedAt, payloadSize: entry.payload.count)
        }
    }

    /// Removes the version at `sequence` (the record's previous position), keeping what its successor needs.
    @discardableResult
    private mutating func removeVersion(_ sequence: UInt64, of dataset: UInt32, in txn: borrowing Transaction) throws -> PreviousVersion {
        let previous = try readVersion(sequence, of: dataset, in: txn)
        try withLogKey(dataset: dataset, sequence: sequence) { key in _ = try txn.delete(key, in: layout.log) }
        return previous
    }

    /// Appends a new version at the next sequence and points the view at it. The payload is `payload`, or the
    /// previous version's (`previousPayload`) for deletes, which keep the last-known payload.
    private mutating func appendVersion(_ action: RecordAction, id: String, hash: PayloadHash, firstSeenAt: Timestamp,
                                        deletedAt: Timestamp?, prunedAt: Timestamp?, payloadIsPrevious: Bool,
                                        context: inout Context, in txn: borrowing Transaction) throws {
        let sequence = context.head.nextSequence
        context.head.nextSequence += 1
        let source = payloadIsPrevious && prunedAt != nil ? [] : (payloadIsPrevious ? previousPayload : payload)
        var idText = id
        try idText.withUTF8 { idBytes in try source.withUnsafeBytes { body in
            let entry = LogEntry(action: action, firstSeenAt: firstSeenAt, lastModifiedAt: context.now, deletedAt: deletedAt,
                                 prunedAt: prunedAt, hash: hash, recordID: UnsafeRawBufferPointer(idBytes), payload: body)
            try withLogKey(dataset: context.dataset.id, sequence: sequence) { key in
                do {
                    try txn.put(reserving: entry.encodedSize, forKey: key, in: layout.log, flags: .append) { entry.encode(into: $0) }
                } catch LMDBError.keyExists {
                    // Another dataset holds the log's last key; insert in place.
                    try txn.put(reserving: entry.encodedSize, forKey: key, in: layout.log) { entry.encode(into: $0) }
                }
            }
        } }
        let window = context.dataset.windowGeneration
        try putViewEntry(ViewEntry(sequence: sequence, hash: hash, isDeleted: action == .deleted, isPruned: prunedAt != nil,
                                   seenGeneration: window), in: txn)
    }

    /// An unchanged save: nothing moves. A pruned payload is restored in place; an open deletion window
    /// records that the record was seen.
    private mutating func keepUnchanged(_ existing: ViewEntry, id: String, restoring: Bool, context: inout Context,
                                        in txn: borrowing Transaction) throws {
        var entry = existing
        let window = context.dataset.windowGeneration
        if restoring {
            let previous = try readVersion(existing.sequence, of: context.dataset.id, in: txn)
            var idText = id
            try idText.withUTF8 { idBytes in try payload.withUnsafeBytes { body in
                let restored = LogEntry(action: previous.action, firstSeenAt: previous.firstSeenAt,
                                        lastModifiedAt: previous.lastModifiedAt, deletedAt: nil, prunedAt: nil,
                                        hash: existing.hash, recordID: UnsafeRawBufferPointer(idBytes), payload: body)
                try withLogKey(dataset: context.dataset.id, sequence: existing.sequence) { key in
                    try txn.put(reserving: restored.encodedSize, forKey: key, in: layout.log) { restored.encode(into: $0) }
                }
            } }
            context.dataset.counts.payloadBytes += Int64(payload.count)
            context.dataset.prunedThrough = min(context.dataset.prunedThrough, existing.sequence - 1)  // see PayloadPruner
            entry.isPruned = false
        }
        if window != 0 { entry.seenGeneration = window }
        if entry != existing { try putViewEntry(entry, in: txn) }
    }
}
