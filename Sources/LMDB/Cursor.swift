import CLMDB

/// A position in a database, available only inside ``Transaction/withCursor(on:_:)``.
///
/// Every returned ``Entry`` points into the map and is valid only until the cursor moves or writes, or the
/// transaction ends.
public struct Cursor: ~Copyable {
    let pointer: OpaquePointer

    /// A key and its value, borrowed from the map.
    public struct Entry {
        /// The key bytes.
        public let key: UnsafeRawBufferPointer
        /// The value bytes.
        public let value: UnsafeRawBufferPointer
    }

    private func move(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        var k = key.map(MDB_val.init) ?? MDB_val()
        var v = MDB_val()
        let code = mdb_cursor_get(pointer, &k, &v, op)
        if code == MDB_NOTFOUND { return nil }
        try check(code)
        return Entry(key: k.buffer, value: v.buffer)
    }

    /// Moves to the first entry.
    public mutating func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    /// Moves to the last entry.
    public mutating func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    /// Moves to the next entry.
    public mutating func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    /// Moves to the previous entry.
    public mutating func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }
    /// Moves to the first entry whose key is greater than or equal to `key` (`MDB_SET_RANGE`).
    public mutating func seek(atLeast key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_RANGE, key: key)
    }
    /// Moves to the entry whose key equals `key` (`MDB_SET_KEY`).
    public mutating func seek(exactly key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_KEY, key: key)
    }

    /// Stores `value` under `key` through the cursor, leaving the cursor on it.
    public mutating func put(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer,
                             flags: PutFlags = []) throws(LMDBError) {
        var k = MDB_val(key)
        var v = MDB_val(value)
        try check(mdb_cursor_put(pointer, &k, &v, flags.rawValue))
    }

    /// Deletes the entry under the cursor; the cursor then stands before the next entry.
    public mutating func deleteCurrent() throws(LMDBError) {
        try check(mdb_cursor_del(pointer, 0))
    }
}
