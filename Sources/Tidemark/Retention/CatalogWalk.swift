import LMDB

extension DatasetCatalog {
    /// The current (not emptied) dataset with the smallest id after `id`, or `nil`: a walk over the catalog that
    /// holds one row at a time, so retention's memory does not grow with the number of datasets.
    func current(after id: UInt32, in txn: borrowing Transaction) throws -> DatasetRecord? {
        guard id < UInt32.max else { return nil }
        return try withUnsafeBytes(of: (id + 1).bigEndian) { start in
            try txn.withCursor(on: layout.datasets) { cursor in
                var next = try cursor.seek(atLeast: start)
                while let raw = next {
                    let record = try DatasetRecord(decoding: raw.value)
                    if !record.isEmptied { return record }
                    next = try cursor.next()
                }
                return nil
            }
        }
    }
}
