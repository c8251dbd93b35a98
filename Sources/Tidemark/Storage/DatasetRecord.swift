import LMDB

/// Counts of one dataset; exact after every commit.
public struct DatasetCounts: Equatable, Sendable, Codable {
    /// Records not deleted.
    public var live: Int64 = 0
    /// Soft-deleted records.
    public var deleted: Int64 = 0
    /// Bytes of stored payloads (canonical JSON), deleted records' kept payloads included, pruned ones not.
    public var payloadBytes: Int64 = 0

    /// Creates counts.
    public init(live: Int64 = 0, deleted: Int64 = 0, payloadBytes: Int64 = 0) {
        self.live = live
        self.deleted = deleted
        self.payloadBytes = payloadBytes
    }
}

/// The catalog row of one dataset, under its 4-byte id in `datasets`.
///
/// A dataset emptied by `emptyCache` (or expired by the full-record TTL) keeps its row with ``isEmptied`` set,
/// and its name maps to a new id: that is how a cursor from before the empty is told apart from a foreign one.
struct DatasetRecord: Equatable {
    var id: UInt32
    var key: DatasetKey
    var isEmptied = false
    var counts = DatasetCounts()
    var createdAt: Timestamp
    var lastWriteAt: Timestamp
    /// The open deletion window's generation; 0 when none is open.
    var windowGeneration: UInt32 = 0
    /// Retention's mark: every log entry of the dataset at or before this sequence has its payload pruned; 0 when
    /// none is (see ``PayloadPruner``). Encoded last; a row written without it reads as 0.
    var prunedThrough: UInt64 = 0

    init(id: UInt32, key: DatasetKey, createdAt: Timestamp) {
        self.id = id
        self.key = key
        self.createdAt = createdAt
        self.lastWriteAt = createdAt
    }

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        id = try reader.read()
        isEmptied = try reader.read(UInt8.self) != 0
        counts = DatasetCounts(live: try reader.read(), deleted: try reader.read(), payloadBytes: try reader.read())
        createdAt = Timestamp(milliseconds: try reader.read())
        lastWriteAt = Timestamp(milliseconds: try reader.read())
        windowGeneration = try reader.read()
        let connection = ConnectionKey(integrationID: try reader.readString(), connectionID: try reader.readString())
        key = DatasetKey(connection: connection, model: ModelName(try reader.readString(), variant: try reader.readOptionalString()))
        prunedThrough = reader.remaining == 0 ? 0 : try reader.read()
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 96)
        writer.append(id)
        writer.append(UInt8(isEmptied ? 1 : 0))
        writer.append(counts.live)
        writer.append(counts.deleted)
        writer.append(counts.payloadBytes)
        writer.append(createdAt.milliseconds)
        writer.append(lastWriteAt.milliseconds)
        writer.append(windowGeneration)
        writer.appendString(key.connection.integrationID)
        writer.appendString(key.connection.connectionID)
        writer.appendString(key.model.name)
        writer.appendOptionalString(key.model.variant)
        writer.append(prunedThrough)
        return writer.bytes
    }
}

/// Finds and creates datasets in the catalog.
struct DatasetCatalog {
    let layout: Layout

    /// The current dataset id of `key`, or `nil` if it has never been written (or was hard-deleted).
    func id(of key: DatasetKey, in txn: borrowing Transaction) throws -> UInt32? {
        try key.catalogKey.withUnsafeBytes { name in
            guard let raw = try txn.value(in: layout.datasetNames, forKey: name) else { return nil }
            var reader = ByteReader(raw)
            return try reader.read(UInt32.self)
        }
    }

    /// The catalog row of `id`.
    func record(_ id: UInt32, in txn: borrowing Transaction) throws -> DatasetRecord? {
        try withUnsafeBytes(of: id.bigEndian) { key in
            guard let raw = try txn.value(in: layout.datasets, forKey: key) else { return nil }
            return try DatasetRecord(decoding: raw)
        }
    }

    /// The current row of `key`, or `nil`.
    func record(of key: DatasetKey, in txn: borrowing Transaction) throws -> DatasetRecord? {
        guard let id = try id(of: key, in: txn) else { return nil }
        guard let record = try record(id, in: txn) else { throw TidemarkError.corrupted("dataset \(key) names id \(id), which has no catalog row") }
        return record
    }

    /// The current row of `key`, created (with the next id from `head`) if the dataset is new.
    func recordCreating(_ key: DatasetKey, head: inout Head, now: Timestamp, in txn: borrowing Transaction) throws -> DatasetRecord {
        if let existing = try record(of: key, in: txn) { return existing }
        let record = DatasetRecord(id: head.nextDatasetID, key: key, createdAt: now)
        head.nextDatasetID += 1
        try key.catalogKey.withUnsafeBytes { name in
            try withUnsafeBytes(of: record.id.bigEndian) { try txn.put($0, forKey: name, in: layout.datasetNames) }
        }
        try save(record, in: txn)
        return record
    }

    /// Writes `record`'s row.
    func save(_ record: DatasetRecord, in txn: borrowing Transaction) throws {
        try withUnsafeBytes(of: record.id.bigEndian) { key in
            try record.encoded.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.datasets) }
        }
    }

    /// Retires the current dataset of `key` (SPEC §4 emptyCache, §5 full-record TTL): its row is marked emptied
    /// and its name freed, so the next write creates a new dataset and every cursor of the old one is rejected as
    /// ``TidemarkError/cursorBeforeEmpty``. The old entries are removed later by ``Store/purgeEmptiedDatasets(entriesPerTransaction:)``,
    /// in bounded transactions. O(1): returns whether there was a dataset to retire.
    @discardableResult
    func retire(_ key: DatasetKey, in txn: borrowing Transaction) throws -> Bool {
        guard var record = try record(of: key, in: txn) else { return false }
        record.isEmptied = true
        try save(record, in: txn)
        try key.catalogKey.withUnsafeBytes { _ = try txn.delete($0, in: layout.datasetNames) }
        return true
    }

    /// Every current (not emptied) dataset, in id order.
    func all(in txn: borrowing Transaction) throws -> [DatasetRecord] {
        try txn.withCursor(on: layout.datasets) { cursor in
            var result: [DatasetRecord] = []
            var entry = try cursor.first()
            while let current = entry {
                let record = try DatasetRecord(decoding: current.value)
                if !record.isEmptied { result.append(record) }
                entry = try cursor.next()
            }
            return result
        }
    }
}
