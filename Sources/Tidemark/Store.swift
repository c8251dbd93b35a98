import Foundation
import LMDB

/// An open Tidemark store: one LMDB environment in a directory.
///
/// `Store` is `Sendable`: any number of tasks may read while batches are written. Writes go through
/// ``write(_:)``, which suspends the caller (it never blocks a thread of the cooperative pool) while one
/// dedicated writer thread commits batches, several at a time when they arrive together (group commit).
/// Reads (``records(in:_:)`` and the other getters) run synchronously in a read transaction on the calling
/// thread; they never wait for the writer, and block only for the moment another thread grows the map.
///
/// Several processes may open the same directory: LMDB serialises their writers and their readers see each
/// other's commits.
public final class Store: Sendable {
    let environment: Environment
    let layout: Layout
    let options: StoreOptions
    private let queue: WriteQueue
    private let reader: StreamReader
    /// Told of every commit of the write queue; wakes live tails (``changes(in:after:pageSize:)``).
    let commits: CommitNotifier
    private let maintenance = MaintenanceSchedule()

    /// Opens the store in `directory`, creating the directory and the store if needed.
    public init(directory: String, options: StoreOptions = StoreOptions()) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TidemarkError.invalidRequest("cannot create the store directory '\(directory)': \(error.localizedDescription)")
        }
        let environment = try TidemarkError.wrapping { try Environment(directory: directory, options: options.environmentOptions) }
        let layout = try TidemarkError.wrapping { try Layout(environment: environment) }
        try TidemarkError.wrapping { try Self.checkFormat(environment: environment, layout: layout) }
        self.environment = environment
        self.layout = layout
        self.options = options
        reader = StreamReader(layout: layout)
        let commits = CommitNotifier()
        self.commits = commits
        queue = WriteQueue(environment: environment, layout: layout, options: options, onCommit: { commits.notify() })
        if let interval = options.maintenanceInterval { maintenance.start(every: interval, for: self) }
    }

    deinit {
        maintenance.cancel()
        queue.stop()
    }

    private static func checkFormat(environment: Environment, layout: Layout) throws {
        let key = Array("format".utf8)
        try environment.write { txn in
            try key.withUnsafeBytes { key in
                if let raw = try txn.value(in: layout.meta, forKey: key) {
                    var reader = ByteReader(raw)
                    let version: UInt32 = try reader.read()
                    guard version == Layout.formatVersion else {
                        throw TidemarkError.corrupted("the store has format version \(version); this Tidemark reads version \(Layout.formatVersion)")
                    }
                } else {
                    try withUnsafeBytes(of: Layout.formatVersion.bigEndian) { try txn.put($0, forKey: key, in: layout.meta) }
                }
            }
        }
    }

    // MARK: - Writes

    /// Commits `batch` atomically and returns what it did. Throws a ``TidemarkError`` when any record, name or
    /// the checkpoint write is rejected; the batch has then written nothing.
    @discardableResult
    public func write(_ batch: Batch) async throws -> BatchSummary {
        try await queue.submit(batch)
    }

    /// Runs `body` in a write transaction of its own on the writer thread, in turn with the batches. `body` may
    /// run again when the map grows, so it must have no effect outside the transaction.
    func performWrite<R: Sendable>(_ body: @escaping @Sendable (borrowing Transaction, inout BatchWriter) throws -> R) async throws -> R {
        try await queue.perform(body)
    }

    // MARK: - Reads

    /// One page of `dataset`'s change stream.
    public func records(in dataset: DatasetKey, _ query: RecordQuery = RecordQuery()) throws -> RecordPage {
        try read { txn in try reader.page(of: dataset, query: query, in: txn) }
    }

    /// The same page as ``records(in:_:)``, rendered as the platform's `GET /records` body: byte for byte the
    /// ``RecordPage/json`` of that page, written straight from the stored entries into one buffer without making
    /// a ``StoredRecord`` for each record.
    public func recordsJSON(in dataset: DatasetKey, _ query: RecordQuery = RecordQuery()) throws -> RecordPageJSON {
        try read { txn in try reader.pageJSON(of: dataset, query: query, in: txn) }
    }

    /// Reads the same page as ``records(in:_:)`` but lends each record to `body`, in stream order, instead of
    /// copying it: no allocation per record, the fastest way to replay a stream. The records' bytes are valid only
    /// inside `body`, which runs inside the read transaction (keep it short; it must not write to the store).
    /// Returns the cursor to read on from when more matching records followed the page, else `nil`. An error
    /// thrown by `body` ends the read and reaches the caller unchanged.
    @discardableResult
    public func forEachRecord(in dataset: DatasetKey, _ query: RecordQuery = RecordQuery(),
                              _ body: (BorrowedRecord) throws -> Void) throws -> String? {
        struct Stopped: Error {}
        var bodyError: (any Error)?
        do {
            return try read { txn in
                try reader.forEachRecord(of: dataset, query: query, in: txn) { record in
                    do { try body(record) } catch {
                        bodyError = error
                        throw Stopped()
                    }
                }
            }
        } catch {
            throw bodyError ?? error
        }
    }

    /// The record `id` of `dataset` at its latest version, deleted or not; `nil` if the dataset never had it.
    public func record(_ id: String, in dataset: DatasetKey) throws -> StoredRecord? {
        try read { txn in
            try dataset.validate()
            guard let datasetID = try DatasetCatalog(layout: layout).id(of: dataset, in: txn) else { return nil }
            return try reader.record(id, in: datasetID, txn: txn)
        }
    }

    /// The cursor of the first change in `dataset`'s stream; `nil` when it is empty.
    public func firstCursor(of dataset: DatasetKey) throws -> String? {
        try read { txn in try reader.edgeCursor(of: dataset, last: false, in: txn) }
    }

    /// The cursor of the last change in `dataset`'s stream; `nil` when it is empty.
    public func lastCursor(of dataset: DatasetKey) throws -> String? {
        try read { txn in try reader.edgeCursor(of: dataset, last: true, in: txn) }
    }

    /// The checkpoint of `sync`; `nil` on a first run. A cleared checkpoint has a `nil` value and its last version.
    public func checkpoint(of sync: SyncKey) throws -> Checkpoint? {
        try read { txn in
            try sync.validate()
            return try CheckpointTable(layout: layout).checkpoint(for: sync, in: txn)
        }
    }

    /// The counts of `dataset` (all zero when it does not exist).
    public func counts(of dataset: DatasetKey) throws -> DatasetCounts {
        try read { txn in
            try dataset.validate()
            return try DatasetCatalog(layout: layout).record(of: dataset, in: txn)?.counts ?? DatasetCounts()
        }
    }

    /// Every dataset of the store with its counts.
    public func datasets() throws -> [DatasetSummary] {
        try read { txn in
            try DatasetCatalog(layout: layout).all(in: txn).map {
                DatasetSummary(key: $0.key, counts: $0.counts, createdAt: $0.createdAt, lastWriteAt: $0.lastWriteAt)
            }
        }
    }

    /// Runs `body` in a read transaction, reporting LMDB failures as ``TidemarkError/storage(_:)``.
    func read<R>(_ body: (borrowing Transaction) throws -> R) throws(TidemarkError) -> R {
        try TidemarkError.wrapping { try environment.read(body) }
    }
}

/// A dataset and its counts, as listed by ``Store/datasets()``.
public struct DatasetSummary: Equatable, Sendable {
    /// Which dataset.
    public var key: DatasetKey
    /// Its counts.
    public var counts: DatasetCounts
    /// When it was first written.
    public var createdAt: Timestamp
    /// When it was last written.
    public var lastWriteAt: Timestamp
}
