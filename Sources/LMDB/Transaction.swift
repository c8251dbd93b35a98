import CLMDB

/// A transaction, valid only inside the ``Environment/read(_:)`` or ``Environment/write(_:)`` closure that
/// received it. It is `~Copyable`, so it cannot be stored or escape.
///
/// Buffers returned by reads point into the memory map: LMDB guarantees them only until the next write to the
/// same database in this transaction, or the end of the transaction. Copy what must live longer.
public struct Transaction: ~Copyable {
    let pointer: OpaquePointer
    let environment: OpaquePointer

    /// The value stored under `key`, or `nil`.
    public func value(in database: Database, forKey key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var k = MDB_val(key)
        var v = MDB_val()
        let code = mdb_get(pointer, database.handle, &k, &v)
        if code == MDB_NOTFOUND { return nil }
        try check(code)
        return v.buffer
    }

    /// Stores `value` under `key`.
    public func put(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer, in database: Database,
                    flags: PutFlags = []) throws(LMDBError) {
        var k = MDB_val(key)
        var v = MDB_val(value)
        try check(mdb_put(pointer, database.handle, &k, &v, flags.rawValue))
    }

    /// Reserves `count` bytes under `key` (`MDB_RESERVE`) and lets `fill` write them in place, saving a copy.
    /// The buffer is valid only inside `fill`.
    public func put(reserving count: Int, forKey key: UnsafeRawBufferPointer, in database: Database,
                    flags: PutFlags = [], fill: (UnsafeMutableRawBufferPointer) -> Void) throws(LMDBError) {
        var k = MDB_val(key)
        var v = MDB_val(mv_size: count, mv_data: nil)
        try check(mdb_put(pointer, database.handle, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)))
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    /// Deletes `key`; returns whether it existed.
    @discardableResult
    public func delete(_ key: UnsafeRawBufferPointer, in database: Database) throws(LMDBError) -> Bool {
        var k = MDB_val(key)
        let code = mdb_del(pointer, database.handle, &k, nil)
        if code == MDB_NOTFOUND { return false }
        try check(code)
        return true
    }

    /// Deletes every entry of `database`, keeping the database.
    public func empty(_ database: Database) throws(LMDBError) {
        try check(mdb_drop(pointer, database.handle, 0))
    }

    /// B-tree statistics of `database` as this transaction sees it.
    public func statistics(of database: Database) throws(LMDBError) -> DatabaseStatistics {
        var raw = MDB_stat()
        try check(mdb_stat(pointer, database.handle, &raw))
        return DatabaseStatistics(raw)
    }

    /// Runs `body` with a cursor over `database`, closed when `body` returns.
    public func withCursor<R>(on database: Database, _ body: (inout Cursor) throws -> R) throws -> R {
        var raw: OpaquePointer?
        try check(mdb_cursor_open(pointer, database.handle, &raw))
        guard let raw else { throw LMDBError.badTransaction }
        var cursor = Cursor(pointer: raw)
        defer { mdb_cursor_close(raw) }
        return try body(&cursor)
    }

    /// Runs `body` in a child transaction of this write transaction: committed into this one when `body`
    /// returns, discarded (leaving this one as it was) when `body` throws.
    public func nested<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        var child: OpaquePointer?
        try check(mdb_txn_begin(environment, pointer, 0, &child))
        guard let child else { throw LMDBError.badTransaction }
        let result: R
        do {
            result = try body(Transaction(pointer: child, environment: environment))
        } catch {
            mdb_txn_abort(child)
            throw error
        }
        try check(mdb_txn_commit(child))
        return result
    }
}

/// Flags for puts (`mdb_put`, `mdb_cursor_put`).
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    /// Creates flags from LMDB's bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `MDB_NOOVERWRITE`: fail with ``LMDBError/keyExists`` if the key exists.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// `MDB_APPEND`: the key sorts after every key in the database; fast and packs pages full.
    /// Fails with ``LMDBError/keyExists`` when it does not.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}

extension MDB_val {
    init(_ buffer: UnsafeRawBufferPointer) {
        self.init(mv_size: buffer.count, mv_data: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
    }

    var buffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mv_data, count: mv_size)
    }
}
