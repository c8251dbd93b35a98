import CLMDB

/// A named database (a B-tree) inside an ``Environment``. A plain handle: valid for the environment's life.
public struct Database: Sendable, Equatable {
    let handle: MDB_dbi

    init(opening name: String, flags: DatabaseFlags, in txn: borrowing Transaction) throws(LMDBError) {
        var dbi = MDB_dbi()
        try check(mdb_dbi_open(txn.pointer, name, flags.rawValue, &dbi))
        handle = dbi
    }
}

/// Flags for opening a named database.
public struct DatabaseFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    /// Creates flags from LMDB's bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `MDB_CREATE`: create the database if it does not exist.
    public static let create = DatabaseFlags(rawValue: UInt32(MDB_CREATE))
}

/// B-tree statistics (`MDB_stat`).
public struct DatabaseStatistics: Sendable, Equatable {
    /// The page size in bytes.
    public var pageSize: Int
    /// The height of the tree.
    public var depth: Int
    /// Internal (branch) pages.
    public var branchPages: Int
    /// Leaf pages.
    public var leafPages: Int
    /// Overflow pages, holding values larger than a page.
    public var overflowPages: Int
    /// Key/value entries.
    public var entries: Int

    init(_ raw: MDB_stat) {
        pageSize = Int(raw.ms_psize)
        depth = Int(raw.ms_depth)
        branchPages = raw.ms_branch_pages
        leafPages = raw.ms_leaf_pages
        overflowPages = raw.ms_overflow_pages
        entries = raw.ms_entries
    }

    /// Pages used by this tree.
    public var pages: Int { branchPages + leafPages + overflowPages }
}
