import CLMDB

/// An error returned by LMDB, one case per documented return code.
///
/// Each case's ``description`` says what usually causes it, so a person reading a log knows what to do.
public enum LMDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `MDB_KEYEXIST`: the key/data pair already exists (a put with `noOverwrite` or `append` out of order).
    case keyExists
    /// `MDB_NOTFOUND`: no matching key/data pair.
    case notFound
    /// `MDB_PAGE_NOTFOUND`: a requested page was not found; the file is damaged.
    case pageNotFound
    /// `MDB_CORRUPTED`: a page has an invalid type; the file is damaged or is not an LMDB file.
    case corrupted
    /// `MDB_PANIC`: a fatal error earlier in this environment; it must be closed and reopened.
    case panic
    /// `MDB_VERSION_MISMATCH`: the file was written by an incompatible LMDB version.
    case versionMismatch
    /// `MDB_INVALID`: the file is not an LMDB environment.
    case invalid
    /// `MDB_MAP_FULL`: the map size is reached; grow it with ``Environment/setMapSize(_:)``.
    case mapFull
    /// `MDB_DBS_FULL`: more named databases than `maxDatabases` allows.
    case databasesFull
    /// `MDB_READERS_FULL`: every reader slot is taken; too many concurrent read transactions.
    case readersFull
    /// `MDB_TLS_FULL`: too many thread-local reader slots.
    case threadLocalStorageFull
    /// `MDB_TXN_FULL`: the transaction has too many dirty pages; write less in one transaction.
    case transactionFull
    /// `MDB_CURSOR_FULL`: the cursor stack is too deep; an internal limit.
    case cursorFull
    /// `MDB_PAGE_FULL`: a page has no more space; an internal limit.
    case pageFull
    /// `MDB_MAP_RESIZED`: another process grew the map; adopt it with `setMapSize(0)`.
    case mapResized
    /// `MDB_INCOMPATIBLE`: the database was opened with flags that do not match how it was created.
    case incompatible
    /// `MDB_BAD_RSLOT`: a reader slot was used wrongly (a read transaction reused across threads).
    case badReaderSlot
    /// `MDB_BAD_TXN`: the transaction had an earlier error and must be aborted.
    case badTransaction
    /// `MDB_BAD_VALSIZE`: a key is empty or longer than the maximum key size (511 bytes), or a value is too large.
    case badValueSize
    /// `MDB_BAD_DBI`: the database handle was closed or changed.
    case badDatabase
    /// An operating-system error (`errno`), for example `ENOENT` for a missing directory or `EACCES`.
    case system(code: Int32)

    /// Maps an LMDB return code; `MDB_SUCCESS` must not be passed.
    init(code: Int32) {
        switch code {
        case MDB_KEYEXIST: self = .keyExists
        case MDB_NOTFOUND: self = .notFound
        case MDB_PAGE_NOTFOUND: self = .pageNotFound
        case MDB_CORRUPTED: self = .corrupted
        case MDB_PANIC: self = .panic
        case MDB_VERSION_MISMATCH: self = .versionMismatch
        case MDB_INVALID: self = .invalid
        case MDB_MAP_FULL: self = .mapFull
        case MDB_DBS_FULL: self = .databasesFull
        case MDB_READERS_FULL: self = .readersFull
        case MDB_TLS_FULL: self = .threadLocalStorageFull
        case MDB_TXN_FULL: self = .transactionFull
        case MDB_CURSOR_FULL: self = .cursorFull
        case MDB_PAGE_FULL: self = .pageFull
        case MDB_MAP_RESIZED: self = .mapResized
        case MDB_INCOMPATIBLE: self = .incompatible
        case MDB_BAD_RSLOT: self = .badReaderSlot
        case MDB_BAD_TXN: self = .badTransaction
        case MDB_BAD_VALSIZE: self = .badValueSize
        case MDB_BAD_DBI: self = .badDatabase
        default: self = .system(code: code)
        }
    }

    /// The LMDB return code this error stands for.
    public var code: Int32 {
        switch self {
        case .keyExists: MDB_KEYEXIST
        case .notFound: MDB_NOTFOUND
        case .pageNotFound: MDB_PAGE_NOTFOUND
        case .corrupted: MDB_CORRUPTED
        case .panic: MDB_PANIC
        case .versionMismatch: MDB_VERSION_MISMATCH
        case .invalid: MDB_INVALID
        case .mapFull: MDB_MAP_FULL
        case .databasesFull: MDB_DBS_FULL
        case .readersFull: MDB_READERS_FULL
        case .threadLocalStorageFull: MDB_TLS_FULL
        case .transactionFull: MDB_TXN_FULL
        case .cursorFull: MDB_CURSOR_FULL
        case .pageFull: MDB_PAGE_FULL
        case .mapResized: MDB_MAP_RESIZED
        case .incompatible: MDB_INCOMPATIBLE
        case .badReaderSlot: MDB_BAD_RSLOT
        case .badTransaction: MDB_BAD_TXN
        case .badValueSize: MDB_BAD_VALSIZE
        case .badDatabase: MDB_BAD_DBI
        case .system(let code): code
        }
    }

    /// LMDB's own message for the code.
    public var description: String {
        String(cString: mdb_strerror(code))
    }
}

/// Throws the ``LMDBError`` for a non-zero LMDB return code.
@inline(__always)
func check(_ code: Int32) throws(LMDBError) {
    if code != 0 { throw LMDBError(code: code) }
}
