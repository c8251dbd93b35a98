import CLMDB

/// The free list (`FREE_DBI`, database 0): pages that earlier transactions freed, which later writes reuse before
/// growing the file.
public struct FreeListStatistics: Sendable, Equatable {
    /// Pages listed as free. Pages freed after the oldest live read transaction began are listed too, but LMDB
    /// reuses them only once no reader can see them.
    public var freePages: Int
    /// Pages taken by the free list's own B-tree.
    public var treePages: Int
}

extension Transaction {
    /// Reads the free list as `mdb_stat -f` does: each entry (keyed by the transaction that freed the pages) holds
    /// a page-number list whose first word is its length.
    ///
    /// LMDB allows a cursor on the free list only in a read transaction (`mdb_cursor_open` on `FREE_DBI` in a
    /// write transaction fails with `EINVAL`, ``LMDBError/system(code:)``).
    public func freeListStatistics() throws(LMDBError) -> FreeListStatistics {
        let freeDatabase: MDB_dbi = 0
        var stat = MDB_stat()
        try check(mdb_stat(pointer, freeDatabase, &stat))
        var raw: OpaquePointer?
        try check(mdb_cursor_open(pointer, freeDatabase, &raw))
        guard let raw else { throw .badTransaction }
        defer { mdb_cursor_close(raw) }
        var key = MDB_val()
        var value = MDB_val()
        var pages = 0
        var code = mdb_cursor_get(raw, &key, &value, MDB_FIRST)
        while code == 0 {
            // A list of `pgno_t` (`size_t`) words: the count, then the page numbers.
            guard value.mv_size >= MemoryLayout<Int>.size else { throw .corrupted }
            pages += value.buffer.loadUnaligned(as: Int.self)
            code = mdb_cursor_get(raw, &key, &value, MDB_NEXT)
        }
        guard code == MDB_NOTFOUND else { throw LMDBError(code: code) }
        return FreeListStatistics(freePages: pages, treePages: DatabaseStatistics(stat).pages)
    }
}
