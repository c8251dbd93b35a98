import LMDB

/// Which syncs wrote a dataset (SPEC §4: "a sync's datasets, for a connection, are the (model, variant) pairs it
/// has written for that connection"). The row of `dataset-syncs`, under the dataset's catalog key, so that it
/// outlives `emptyCache` (which gives the dataset a new id, not a new name).
///
/// Value: model name · variant (optional) · count (2) · per sync: name · variant (optional).
struct DatasetSyncs: Equatable {
    var model: ModelName
    /// The syncs (name, variant) that wrote the dataset, in the order they first did.
    var syncs: [SyncName]

    /// A sync of a connection: its name and variant.
    struct SyncName: Equatable {
        var name: String
        var variant: String?

        init(_ sync: SyncKey) {
            name = sync.name
            variant = sync.variant
        }

        init(name: String, variant: String?) {
            self.name = name
            self.variant = variant
        }
    }

    init(model: ModelName, syncs: [SyncName]) {
        self.model = model
        self.syncs = syncs
    }

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        model = ModelName(try reader.readString(), variant: try reader.readOptionalString())
        syncs = []
        for _ in 0..<Int(try reader.read(UInt16.self)) {
            syncs.append(SyncName(name: try reader.readString(), variant: try reader.readOptionalString()))
        }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.appendString(model.name)
        writer.appendOptionalString(model.variant)
        writer.append(UInt16(syncs.count))
        for sync in syncs {
            writer.appendString(sync.name)
            writer.appendOptionalString(sync.variant)
        }
        return writer.bytes
    }
}

/// Reads and writes ``DatasetSyncs`` rows.
struct DatasetSyncsTable {
    let layout: Layout

    /// Records that `sync` wrote `dataset`: one lookup, and a write only the first time.
    func note(_ sync: SyncKey, wrote dataset: DatasetKey, in txn: borrowing Transaction) throws {
        let name = DatasetSyncs.SyncName(sync)
        try dataset.catalogKey.withUnsafeBytes { key in
            var row = try txn.value(in: layout.datasetSyncs, forKey: key).map { raw throws(TidemarkError) in
                try DatasetSyncs(decoding: raw)
            } ?? DatasetSyncs(model: dataset.model, syncs: [])
            guard !row.syncs.contains(name) else { return }
            row.syncs.append(name)
            try row.encoded.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.datasetSyncs) }
        }
    }

    /// The models `sync` has written for its connection, in catalog-key order.
    func models(of sync: SyncKey, in txn: borrowing Transaction) throws -> [ModelName] {
        let name = DatasetSyncs.SyncName(sync)
        return try rows(of: sync.connection, in: txn).filter { $0.syncs.contains(name) }.map(\.model)
    }

    /// Every row of `connection`'s datasets.
    func rows(of connection: ConnectionKey, in txn: borrowing Transaction) throws -> [DatasetSyncs] {
        let prefix = connection.keyPrefix
        return try txn.withCursor(on: layout.datasetSyncs) { cursor in
            var rows: [DatasetSyncs] = []
            var next = try prefix.withUnsafeBytes { try cursor.seek(atLeast: $0) }
            while let entry = next, entry.key.starts(with: prefix) {
                rows.append(try DatasetSyncs(decoding: entry.value))
                next = try cursor.next()
            }
            return rows
        }
    }
}
