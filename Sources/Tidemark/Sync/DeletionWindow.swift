import LMDB

/// The deletion-window state of one dataset (SPEC §4), in `deletion-windows` under the dataset id (4 bytes).
///
/// Seen-tracking costs O(1) per saved record and no memory: while a window is open, the dataset's catalog row
/// carries its generation (``DatasetRecord/windowGeneration``) and every save, changed or not, stamps it into the
/// record's view entry (``ViewEntry/seenGeneration``). `trackDeletesEnd` then deletes the live records whose stamp
/// differs. Generations only grow per dataset (``lastGeneration``), so a stamp left by an older window never
/// counts for a newer one; a window never expires.
///
/// Value: last generation (4) · open (1), and when open: generation (4) · opened at (8) · deleted so far (8) ·
/// scanned through (optional string). Keys of dataset id (4) + record id in the same database list the records
/// that the window's `trackDeletesEnd` deleted, so that an End resumed after a crash returns them all.
struct DeletionWindow: Equatable {
    /// The last generation handed out for this dataset; 0 before the first window.
    var lastGeneration: UInt32 = 0
    /// The open window, if any.
    var open: Open?

    /// An open window and the progress of its `trackDeletesEnd`.
    struct Open: Equatable {
        /// The stamp saves leave in view entries while this window is open.
        var generation: UInt32
        /// When `trackDeletesStart` opened it.
        var openedAt: Timestamp
        /// How many records its End has deleted so far.
        var deleted: UInt64 = 0
        /// The last record id its End has scanned, in view-key order; `nil` until End begins.
        var scannedThrough: String?
    }

    init() {}

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        lastGeneration = try reader.read()
        guard try reader.read(UInt8.self) != 0 else { return }
        open = Open(generation: try reader.read(), openedAt: Timestamp(milliseconds: try reader.read()), deleted: try reader.read(),
                    scannedThrough: try reader.readOptionalString())
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 32)
        writer.append(lastGeneration)
        writer.append(UInt8(open == nil ? 0 : 1))
        if let open {
            writer.append(open.generation)
            writer.append(open.openedAt.milliseconds)
            writer.append(open.deleted)
            writer.appendOptionalString(open.scannedThrough)
        }
        return writer.bytes
    }
}

/// Reads and writes ``DeletionWindow`` rows and the ids their End deleted.
struct DeletionWindowTable {
    let layout: Layout

    func window(of dataset: UInt32, in txn: borrowing Transaction) throws -> DeletionWindow {
        try withUnsafeBytes(of: dataset.bigEndian) { key in
            try txn.value(in: layout.deletionWindows, forKey: key).map { raw throws(TidemarkError) in
                try DeletionWindow(decoding: raw)
            } ?? DeletionWindow()
        }
    }

    func save(_ window: DeletionWindow, of dataset: UInt32, in txn: borrowing Transaction) throws {
        try withUnsafeBytes(of: dataset.bigEndian) { key in
            try window.encoded.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.deletionWindows) }
        }
    }

    /// Removes the window row of a retired dataset, whose noted ids were cleared.
    func remove(of dataset: UInt32, in txn: borrowing Transaction) throws {
        try withUnsafeBytes(of: dataset.bigEndian) { _ = try txn.delete($0, in: layout.deletionWindows) }
    }

    /// Records that the window's End deleted `ids`.
    func noteDeleted(_ ids: [String], of dataset: UInt32, in txn: borrowing Transaction) throws {
        var key = ByteWriter(capacity: 260)
        for id in ids {
            key.bytes.removeAll(keepingCapacity: true)
            ViewEntry.key(dataset: dataset, recordID: id, into: &key)
            try key.bytes.withUnsafeBytes { try txn.put(UnsafeRawBufferPointer(start: nil, count: 0), forKey: $0, in: layout.deletionWindows) }
        }
    }

    /// Every id the End of `dataset`'s window deleted, in id order.
    func deletedIDs(of dataset: UInt32, in txn: borrowing Transaction) throws -> [String] {
        try txn.withCursor(on: layout.deletionWindows) { cursor in
            var ids: [String] = []
            var next = try firstDeletedID(of: dataset, cursor: &cursor)
            while let key = next {
                ids.append(String(decoding: UnsafeRawBufferPointer(rebasing: key[4...]), as: UTF8.self))
                next = try cursor.next().map(\.key).flatMap { Self.isDeletedID($0, of: dataset) ? $0 : nil }
            }
            return ids
        }
    }

    /// Removes up to `limit` of the ids noted for `dataset`, unless a window is open (they are then its own);
    /// returns how many it removed.
    func clearDeletedIDs(of dataset: UInt32, limit: Int, in txn: borrowing Transaction) throws -> Int {
        guard try window(of: dataset, in: txn).open == nil else { return 0 }
        return try txn.withCursor(on: layout.deletionWindows) { cursor in
            var removed = 0
            while removed < limit, try firstDeletedID(of: dataset, cursor: &cursor) != nil {
                try cursor.deleteCurrent()
                removed += 1
            }
            return removed
        }
    }

    /// Moves `cursor` to the first id noted for `dataset` and returns its key, or `nil` when there is none.
    private func firstDeletedID(of dataset: UInt32, cursor: inout Cursor) throws -> UnsafeRawBufferPointer? {
        // The window row's key is the dataset id alone; the ids' keys extend it, so they follow it.
        var start = ByteWriter(capacity: 5)
        start.append(dataset)
        start.append(UInt8(0))
        let entry = try start.bytes.withUnsafeBytes { try cursor.seek(atLeast: $0) }
        return entry.map(\.key).flatMap { Self.isDeletedID($0, of: dataset) ? $0 : nil }
    }

    private static func isDeletedID(_ key: UnsafeRawBufferPointer, of dataset: UInt32) -> Bool {
        key.count > 4 && key.loadUnaligned(as: UInt32.self) == dataset.bigEndian
    }
}
