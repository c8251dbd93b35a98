import CLMDB
#if canImport(Glibc)
import Glibc
#endif

/// How commits reach the disk.
public enum Durability: Sendable, Equatable {
    /// Every commit is flushed (data and meta page) before it returns. LMDB's default.
    case durable
    /// `MDB_NOMETASYNC`: the meta page is not flushed with each commit. A power cut may undo the
    /// last committed transactions; the file is never corrupted.
    case relaxed
}

/// How to open an ``Environment``.
public struct EnvironmentOptions: Sendable {
    /// The map size to start with, in bytes; rounded up to whole pages by LMDB.
    public var initialMapSize: Int = 64 << 20
    /// The map is never grown past this size; a write that needs more fails with ``LMDBError/mapFull``.
    public var maximumMapSize: Int = 1 << 40
    /// How many named databases may be opened.
    public var maximumDatabases: UInt32 = 16
    /// How many read transactions may be open at once, over all processes.
    public var maximumReaders: UInt32 = 254
    /// Commit flushing; see ``Durability``.
    public var durability: Durability = .durable
    /// Opens the environment for reading only (`MDB_RDONLY`).
    public var readOnly: Bool = false

    /// Options with LMDB's safe defaults.
    public init() {}
}

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// Transactions are scoped to closures (``read(_:)``, ``write(_:)``): a transaction never escapes its closure,
/// and since the closures are synchronous it never crosses an `await`. Read transactions of different threads
/// run concurrently; LMDB serialises write transactions (``write(_:)`` blocks the calling thread until the
/// writer lock is free). The environment is opened with `MDB_NOTLS`, so read transactions are not tied to threads.
///
/// The map grows by itself: a write that fails with `MDB_MAP_FULL` is aborted, the map is doubled (up to
/// ``EnvironmentOptions/maximumMapSize``) and the write closure runs again from the start, so it must not
/// have effects outside the transaction it is given. Stale reader slots left by dead processes are cleared at open.
public final class Environment: @unchecked Sendable {
    // Safety: LMDB environments are thread-safe; `resizeLock` guards `mdb_env_set_mapsize`, which LMDB allows
    // only while this process has no open transaction. Every transaction holds the lock shared.
    let pointer: OpaquePointer
    private let resizeLock: UnsafeMutablePointer<pthread_rwlock_t>
    private let maximumMapSize: Int
    /// Whether the environment was opened read-only.
    public let isReadOnly: Bool

    /// Opens (creating if needed) the environment in `directory`, which must exist.
    public init(directory: String, options: EnvironmentOptions = .init()) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env))
        guard let env else { throw .invalid }
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maximumDatabases)))
            try check(mdb_env_set_maxreaders(env, options.maximumReaders))
            try check(mdb_env_set_mapsize(env, options.initialMapSize))
            var flags = UInt32(MDB_NOTLS)
            if options.durability == .relaxed { flags |= UInt32(MDB_NOMETASYNC) }
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            try check(mdb_env_open(env, directory, flags, 0o644))
        } catch {
            mdb_env_close(env)  // an environment that failed to open must still be closed
            throw error
        }
        pointer = env
        maximumMapSize = options.maximumMapSize
        isReadOnly = options.readOnly
        resizeLock = .allocate(capacity: 1)
        pthread_rwlock_init(resizeLock, nil)
        _ = clearStaleReaders()
    }

    deinit {
        mdb_env_close(pointer)
        pthread_rwlock_destroy(resizeLock)
        resizeLock.deallocate()
    }

    /// Runs `body` in a read transaction, a consistent snapshot of the last commit. Blocks only while
    /// another thread of this process grows the map.
    public func read<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        defer { mdb_txn_abort(txn) }
        return try body(Transaction(pointer: txn, environment: pointer))
    }

    /// Runs `body` in a write transaction and commits it when `body` returns; aborts it when `body` throws.
    ///
    /// Blocks the calling thread while another write transaction, of any process, is open. On `MDB_MAP_FULL`
    /// the map is grown and `body` runs again in a new transaction.
    public func write<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            do {
                return try writeOnce(body)
            } catch LMDBError.mapFull {
                try growMap()
            }
        }
    }

    private func writeOnce<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let txn = try begin(flags: 0)
        let result: R
        do {
            result = try body(Transaction(pointer: txn, environment: pointer))
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try check(mdb_txn_commit(txn))
        return result
    }

    /// Begins a transaction, adopting a map that another process grew.
    private func begin(flags: UInt32) throws(LMDBError) -> OpaquePointer {
        var txn: OpaquePointer?
        var code = mdb_txn_begin(pointer, nil, flags, &txn)
        if code == MDB_MAP_RESIZED {
            // Another process grew the map. Adopting it needs no open transaction in this process; the
            // caller holds the lock shared, so adopt under LMDB's own rule: size 0 keeps the file's size.
            code = mdb_env_set_mapsize(pointer, 0)
            if code == 0 { code = mdb_txn_begin(pointer, nil, flags, &txn) }
        }
        try check(code)
        guard let txn else { throw .badTransaction }
        return txn
    }

    /// Doubles the map size, up to the maximum, waiting for this process's open transactions to end.
    private func growMap() throws(LMDBError) {
        pthread_rwlock_wrlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let current = info.mapSize
        guard current < maximumMapSize else { throw .mapFull }
        try check(mdb_env_set_mapsize(pointer, min(current * 2, maximumMapSize)))
    }

    /// Opens (creating when writable) the named database `name`. Handles stay open for the life of the
    /// environment, as LMDB advises.
    public func openDatabase(named name: String, flags: DatabaseFlags = []) throws -> Database {
        if isReadOnly {
            // A handle opened in a read transaction survives only if that transaction commits.
            let txn = try begin(flags: UInt32(MDB_RDONLY))
            do {
                let database = try Database(opening: name, flags: flags, in: Transaction(pointer: txn, environment: pointer))
                try check(mdb_txn_commit(txn))
                return database
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
        }
        return try write { txn in try Database(opening: name, flags: flags.union(.create), in: txn) }
    }

    /// Sizes and positions of the map (`mdb_env_info`).
    public var info: EnvironmentInfo {
        var raw = MDB_envinfo()
        mdb_env_info(pointer, &raw)
        return EnvironmentInfo(
            mapSize: raw.me_mapsize, lastPageNumber: raw.me_last_pgno,
            lastTransactionID: raw.me_last_txnid, maximumReaders: Int(raw.me_maxreaders),
            readers: Int(raw.me_numreaders))
    }

    /// The page size and B-tree statistics of the main database (`mdb_env_stat`).
    public var statistics: DatabaseStatistics {
        var raw = MDB_stat()
        mdb_env_stat(pointer, &raw)
        return DatabaseStatistics(raw)
    }

    /// Flushes committed data to disk; needed only under ``Durability/relaxed``.
    public func sync() throws(LMDBError) {
        try check(mdb_env_sync(pointer, 1))
    }

    /// Writes a copy of the environment into the existing empty directory `directory`. With `compacting`,
    /// free pages are omitted and pages renumbered (`MDB_CP_COMPACT`), so the copy gives disk space back.
    /// Runs in a read transaction; writers go on meanwhile.
    public func copy(to directory: String, compacting: Bool) throws(LMDBError) {
        try check(mdb_env_copy2(pointer, directory, compacting ? UInt32(MDB_CP_COMPACT) : 0))
    }

    /// Releases reader slots of processes that died (`mdb_reader_check`); returns how many were cleared.
    @discardableResult
    public func clearStaleReaders() -> Int {
        var dead: Int32 = 0
        mdb_reader_check(pointer, &dead)
        return Int(dead)
    }
}

/// Map figures from `mdb_env_info`.
public struct EnvironmentInfo: Sendable, Equatable {
    /// The current map size in bytes.
    public var mapSize: Int
    /// The highest page number in use.
    public var lastPageNumber: Int
    /// The id of the last committed transaction.
    public var lastTransactionID: Int
    /// The size of the reader table.
    public var maximumReaders: Int
    /// Reader slots in use.
    public var readers: Int
}
