import LMDB

/// The named LMDB databases of a store; see `docs/design.md` for every key and value encoding.
struct Layout: Sendable {
    /// `head` (the sequence counter, the clock high-water mark, the next dataset id) and `format`.
    let meta: Database
    /// Dataset catalog key (`integration NUL connection NUL model[::variant]`) → dataset id (4 bytes).
    let datasetNames: Database
    /// Dataset id (4 bytes) → ``DatasetRecord``: names, state and counts.
    let datasets: Database
    /// The change log: dataset id (4) + sequence (8) → ``LogEntry``, the latest version of one record.
    let log: Database
    /// The view: dataset id (4) + record id → ``ViewEntry``: where the record's latest version is, and its hash.
    let view: Database
    /// Sync key → ``Checkpoint``.
    let checkpoints: Database
    /// Sync key → ``SyncState``: the sync's id, its run counter and its active run.
    let syncs: Database
    /// Sync id (4) + run number (8) → ``RunReport``: the bounded history of finished runs.
    let runReports: Database
    /// Dataset catalog key → ``DatasetSyncs``: the dataset's model and the syncs that wrote it.
    let datasetSyncs: Database
    /// Dataset id (4) → ``DeletionWindow``; dataset id (4) + record id → nothing: an id that the window's
    /// `trackDeletesEnd` deleted, kept until that End has returned it.
    let deletionWindows: Database

    /// The format version written into `meta`; a store of another version is refused.
    static let formatVersion: UInt32 = 1

    init(environment: Environment) throws {
        meta = try environment.openDatabase(named: "meta")
        datasetNames = try environment.openDatabase(named: "dataset-names")
        datasets = try environment.openDatabase(named: "datasets")
        log = try environment.openDatabase(named: "log")
        view = try environment.openDatabase(named: "view")
        checkpoints = try environment.openDatabase(named: "checkpoints")
        syncs = try environment.openDatabase(named: "syncs")
        runReports = try environment.openDatabase(named: "run-reports")
        datasetSyncs = try environment.openDatabase(named: "dataset-syncs")
        deletionWindows = try environment.openDatabase(named: "deletion-windows")
    }
}

/// The store-wide counters in `meta/head`, read and written once per write transaction.
struct Head: Equatable {
    /// The sequence number the next accepted change gets; strictly increasing over the whole store.
    var nextSequence: UInt64 = 1
    /// The latest commit timestamp handed out; commit timestamps never go below it.
    var lastTimestamp = Timestamp(milliseconds: 0)
    /// The id the next new dataset gets.
    var nextDatasetID: UInt32 = 1

    static let key: [UInt8] = Array("head".utf8)

    init() {}

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        nextSequence = try reader.read()
        lastTimestamp = Timestamp(milliseconds: try reader.read())
        nextDatasetID = try reader.read()
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 20)
        writer.append(nextSequence)
        writer.append(lastTimestamp.milliseconds)
        writer.append(nextDatasetID)
        return writer.bytes
    }

    static func load(in txn: borrowing Transaction, layout: Layout) throws -> Head {
        try key.withUnsafeBytes { key in
            guard let raw = try txn.value(in: layout.meta, forKey: key) else { return Head() }
            return try Head(decoding: raw)
        }
    }

    func store(in txn: borrowing Transaction, layout: Layout) throws {
        try Self.key.withUnsafeBytes { key in
            try encoded.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.meta) }
        }
    }
}
