import BenchmarkSupport
import CLMDB
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// The floor: Tidemark's physical work done with raw LMDB calls and nothing else, the limit the engine is
/// measured against.
///
/// Layout (three named databases):
/// - `log`: key = big-endian UInt64 sequence (global, `MDB_APPEND`); value = dataset id (UInt32 BE),
///   id length (UInt16 BE), id bytes, 16-byte hash, payload.
///   A deletion sets the top bit of the id length (ids are at most 255 bytes).
/// - `view`: key = dataset id (UInt32 BE) + record id bytes; value = sequence (UInt64 BE) + 16-byte hash +
///   the generation of the delete window that last saw it (UInt32) + a deleted flag (1 byte): 29 bytes, as
///   Tidemark's view entry.
/// - `checkpoints`: key = `"ckpt"` + dataset id; value = version (UInt64 BE) + the checkpoint as JSON.
///
/// Per batch one write transaction; per record: SHA-256 of the raw JSON truncated to 16 bytes (no parsing and
/// no canonical form, which the engine must do), a view lookup and hash compare, and for a new or changed
/// record one appended log entry (written in place with `MDB_RESERVE`) and one view upsert; then the checkpoint
/// (read its version, write version + 1) and the commit. Ids come with the generated records, unparsed.
final class FloorSystem: BlockingBenchSystem, @unchecked Sendable {
    // Safety: LMDB environments are thread-safe and opened with MDB_NOTLS; every transaction lives inside one
    // call on one thread. The dbi handles are written once, in init.
    private let env: OpaquePointer
    private var log = MDB_dbi()
    private var view = MDB_dbi()
    private var checkpoints = MDB_dbi()
    /// The generation of the open W5 delete window; 0 when none is open. Written only between batches.
    private var windowGeneration: UInt32 = 0

    init(directory: String, durability: BenchDurability) throws {
        var env: OpaquePointer?
        try Self.check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw BenchError("mdb_env_create returned no environment") }
        self.env = env
        try Self.check(mdb_env_set_maxdbs(env, 4), "mdb_env_set_maxdbs")
        try Self.check(mdb_env_set_maxreaders(env, 126), "mdb_env_set_maxreaders")
        try Self.check(mdb_env_set_mapsize(env, 64 << 30), "mdb_env_set_mapsize")  // sparse: costs nothing
        var flags = UInt32(MDB_NOTLS)
        if durability == .fast { flags |= UInt32(MDB_NOMETASYNC) }
        try Self.check(mdb_env_open(env, directory, flags, 0o644), "mdb_env_open")
        var txn: OpaquePointer?
        try Self.check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin")
        try Self.check(mdb_dbi_open(txn, "log", UInt32(MDB_CREATE), &log), "mdb_dbi_open log")
        try Self.check(mdb_dbi_open(txn, "view", UInt32(MDB_CREATE), &view), "mdb_dbi_open view")
        try Self.check(mdb_dbi_open(txn, "checkpoints", UInt32(MDB_CREATE), &checkpoints), "mdb_dbi_open checkpoints")
        try Self.check(mdb_txn_commit(txn), "mdb_txn_commit")
    }

    deinit { mdb_env_close(env) }

    func close() async throws {
        mdb_env_sync(env, 1)
    }

    @inline(__always)
    static func check(_ code: Int32, _ what: @autoclosure () -> String) throws {
        if code != 0 { throw BenchError("\(what()): \(String(cString: mdb_strerror(code)))") }
    }

    // MARK: - Write

    func writeBlocking(_ batch: WriteBatch) throws -> Int {
        let dataset = UInt32(batch.connection + 1)
        var txn: OpaquePointer?
        let written: Int
        try Self.check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin")
        do {
            written = try writeRecords(batch, dataset: dataset, txn: txn)
            try writeCheckpoint(batch.checkpoint, dataset: dataset, txn: txn)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try Self.check(mdb_txn_commit(txn), "mdb_txn_commit")
        return written
    }

    private func writeRecords(_ batch: WriteBatch, dataset: UInt32, txn: OpaquePointer?) throws -> Int {
        // The next sequence: one past the log's last key (read in this transaction, so concurrent writers in
        // W4, serialised by LMDB's writer lock, never reuse one).
        var sequence = try lastSequence(txn: txn)
        var written = 0

        var viewKey = [UInt8](repeating: 0, count: 4 + 512)
        viewKey.withUnsafeMutableBytes { $0.storeBytes(of: dataset.bigEndian, as: UInt32.self) }
        var hash = (UInt64(0), UInt64(0))

        for record in batch.records {
            // Hash the raw bytes, keep 16.
            let digest = SHA256.hash(data: record.json)
            digest.withUnsafeBytes { raw in
                withUnsafeMutableBytes(of: &hash) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(16))) }
            }
            // View lookup: dataset + id.
            let idCount = record.id.utf8.count
            let keyCount = 4 + idCount
            try viewKey.withUnsafeMutableBytes { keyBuffer in
                UnsafeMutableRawBufferPointer(rebasing: keyBuffer[4...]).copyBytes(from: record.id.utf8)
                var key = MDB_val(mv_size: keyCount, mv_data: keyBuffer.baseAddress)
                var found = MDB_val()
                let code = mdb_get(txn, view, &key, &found)
                if code == 0 {
                    guard found.mv_size == Self.viewValueSize else { throw BenchError("a view value has \(found.mv_size) bytes") }
                    if memcmp(found.mv_data + 8, &hash, 16) == 0, found.mv_data.load(fromByteOffset: 28, as: UInt8.self) == 0 {
                        // Unchanged; inside a delete window it is stamped as seen.
                        if windowGeneration != 0, found.mv_data.loadUnaligned(fromByteOffset: 24, as: UInt32.self) != windowGeneration {
                            var entry = Self.viewValue(sequence: UInt64(bigEndian: found.mv_data.loadUnaligned(as: UInt64.self)),
                                                       hash: hash, generation: windowGeneration, deleted: false)
                            try Self.put(&entry, key: &key, in: view, txn: txn)
                        }
                        return
                    }
                } else if code != MDB_NOTFOUND {
                    try Self.check(code, "mdb_get view")
                }
                sequence += 1
                written += 1
                // Append the log entry, written in place.
                let payloadCount = record.json.count
                var logValue = MDB_val(mv_size: 4 + 2 + idCount + 16 + payloadCount, mv_data: nil)
                var logKeyBytes = sequence.bigEndian
                try withUnsafeMutableBytes(of: &logKeyBytes) { keyBytes in
                    var logKey = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                    try Self.check(mdb_put(txn, log, &logKey, &logValue, UInt32(MDB_APPEND | MDB_RESERVE)), "mdb_put log")
                }
                let out = UnsafeMutableRawBufferPointer(start: logValue.mv_data, count: logValue.mv_size)
                out.storeBytes(of: dataset.bigEndian, toByteOffset: 0, as: UInt32.self)
                out.storeBytes(of: UInt16(idCount).bigEndian, toByteOffset: 4, as: UInt16.self)
                UnsafeMutableRawBufferPointer(rebasing: out[6..<(6 + idCount)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: keyBuffer[4..<keyCount]))
                withUnsafeBytes(of: hash) {
                    UnsafeMutableRawBufferPointer(rebasing: out[(6 + idCount)..<(22 + idCount)]).copyMemory(from: $0)
                }
                record.json.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: out[(22 + idCount)...]).copyMemory(from: $0)
                }
                // Upsert the view entry.
                var entry = Self.viewValue(sequence: sequence, hash: hash, generation: windowGeneration, deleted: false)
                try Self.put(&entry, key: &key, in: view, txn: txn)
            }
        }
        return written
    }

    static let viewValueSize = 29

    /// A view value: sequence (BE), hash, window generation, deleted flag.
    private static func viewValue(sequence: UInt64, hash: (UInt64, UInt64), generation: UInt32, deleted: Bool) -> [UInt8] {
        var value = [UInt8](repeating: 0, count: viewValueSize)
        value.withUnsafeMutableBytes { out in
            out.storeBytes(of: sequence.bigEndian, toByteOffset: 0, as: UInt64.self)
            withUnsafeBytes(of: hash) { UnsafeMutableRawBufferPointer(rebasing: out[8..<24]).copyMemory(from: $0) }
            out.storeBytes(of: generation, toByteOffset: 24, as: UInt32.self)
            out[28] = deleted ? 1 : 0
        }
        return value
    }

    private static func put(_ value: inout [UInt8], key: inout MDB_val, in dbi: MDB_dbi, txn: OpaquePointer?) throws {
        try value.withUnsafeMutableBytes { bytes in
            var data = MDB_val(mv_size: bytes.count, mv_data: bytes.baseAddress)
            try check(mdb_put(txn, dbi, &key, &data, 0), "mdb_put")
        }
    }

    // MARK: - Delete window (W5)

    func openDeleteWindow(connection: Int) async throws {
        windowGeneration &+= 1
        if windowGeneration == 0 { windowGeneration = 1 }
    }

    /// One write transaction: a cursor over the dataset's view range; each live entry the window did not stamp
    /// gets a new log entry (its previous one copied, the deletion bit set) and its view value rewritten in place.
    func closeDeleteWindow(connection: Int) async throws -> Int {
        let dataset = UInt32(connection + 1)
        var txn: OpaquePointer?
        try Self.check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin")
        do {
            let deleted = try deleteUnseen(dataset: dataset, txn: txn)
            try Self.check(mdb_txn_commit(txn), "mdb_txn_commit")
            windowGeneration = 0
            return deleted
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
    }

    private func deleteUnseen(dataset: UInt32, txn: OpaquePointer?) throws -> Int {
        var sequence = try lastSequence(txn: txn)
        var cursor: OpaquePointer?
        try Self.check(mdb_cursor_open(txn, view, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var prefix = dataset.bigEndian
        var key = MDB_val(mv_size: 4, mv_data: &prefix)
        var value = MDB_val()
        var op = MDB_SET_RANGE
        var deleted = 0
        var entry: [UInt8] = []
        while mdb_cursor_get(cursor, &key, &value, op) == 0 {
            op = MDB_NEXT
            guard key.mv_size >= 4, UInt32(bigEndian: key.mv_data.loadUnaligned(as: UInt32.self)) == dataset else { break }
            guard value.mv_data.load(fromByteOffset: 28, as: UInt8.self) == 0,
                  value.mv_data.loadUnaligned(fromByteOffset: 24, as: UInt32.self) != windowGeneration else { continue }
            var hash = (UInt64(0), UInt64(0))
            withUnsafeMutableBytes(of: &hash) { $0.copyMemory(from: UnsafeRawBufferPointer(start: value.mv_data + 8, count: 16)) }
            var oldKey = value.mv_data.loadUnaligned(as: UInt64.self)  // big-endian already
            var logKey = MDB_val(mv_size: 8, mv_data: &oldKey)
            var old = MDB_val()
            try Self.check(mdb_get(txn, log, &logKey, &old), "mdb_get log")
            entry = Array(UnsafeRawBufferPointer(start: old.mv_data, count: old.mv_size))
            entry.withUnsafeMutableBytes { $0[4] |= 0x80 }  // the deletion bit, in the id length's high byte
            sequence += 1
            var newKey = sequence.bigEndian
            logKey = MDB_val(mv_size: 8, mv_data: &newKey)
            try entry.withUnsafeMutableBytes { bytes in
                var data = MDB_val(mv_size: bytes.count, mv_data: bytes.baseAddress)
                try Self.check(mdb_put(txn, log, &logKey, &data, UInt32(MDB_APPEND)), "mdb_put log")
            }
            var viewEntry = Self.viewValue(sequence: sequence, hash: hash, generation: windowGeneration, deleted: true)
            try viewEntry.withUnsafeMutableBytes { bytes in
                var data = MDB_val(mv_size: bytes.count, mv_data: bytes.baseAddress)
                try Self.check(mdb_cursor_put(cursor, &key, &data, UInt32(MDB_CURRENT)), "mdb_cursor_put view")
            }
            deleted += 1
        }
        return deleted
    }

    // MARK: - Retention (W6)

    /// The log's last sequence when W6 moved the clock: entries at or before it are older than the payload TTL.
    private var cutoffSequence: UInt64 = 0

    func advanceClock(days: Int) async throws {
        var txn: OpaquePointer?
        try Self.check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin")
        defer { mdb_txn_abort(txn) }
        cutoffSequence = try lastSequence(txn: txn)
    }

    /// One pass over the log, 1,000 changes to a write transaction (as Tidemark's retention): an entry the view
    /// no longer points at is superseded and deleted (the floor appends on every change, so this is its log
    /// compaction); a current entry at or before the cutoff loses its payload. Then `mdb_env_copy2` with
    /// `MDB_CP_COMPACT`.
    func pruneAndCompact(into directory: String) async throws -> Int {
        var pruned = 0
        var next: UInt64 = 1
        var more = true
        while more {
            var txn: OpaquePointer?
            try Self.check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin")
            do {
                (next, more) = try retentionStep(from: next, changes: 1_000, pruned: &pruned, txn: txn)
                try Self.check(mdb_txn_commit(txn), "mdb_txn_commit")
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
        }
        try Self.check(mdb_env_copy2(env, directory, UInt32(MDB_CP_COMPACT)), "mdb_env_copy2")
        return pruned
    }

    /// Scans the log from sequence `start` until `changes` entries were deleted or pruned; returns where to go on
    /// and whether entries remain.
    private func retentionStep(from start: UInt64, changes limit: Int, pruned: inout Int, txn: OpaquePointer?) throws -> (UInt64, Bool) {
        var cursor: OpaquePointer?
        try Self.check(mdb_cursor_open(txn, log, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var startKey = start.bigEndian
        var key = MDB_val(mv_size: 8, mv_data: &startKey)
        var value = MDB_val()
        var op = MDB_SET_RANGE
        var changes = 0
        var last = start
        var viewKey = [UInt8](repeating: 0, count: 4 + 512)
        var entry: [UInt8] = []
        while changes < limit {
            guard mdb_cursor_get(cursor, &key, &value, op) == 0 else { return (0, false) }
            op = MDB_NEXT
            let sequence = UInt64(bigEndian: key.mv_data.loadUnaligned(as: UInt64.self))
            let raw = UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
            let idCount = Int(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) & 0x7FFF)
            let current = try viewKey.withUnsafeMutableBytes { keyBytes -> UInt64 in
                keyBytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<4]))
                UnsafeMutableRawBufferPointer(rebasing: keyBytes[4...]).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[6..<(6 + idCount)]))
                var lookup = MDB_val(mv_size: 4 + idCount, mv_data: keyBytes.baseAddress)
                var found = MDB_val()
                try Self.check(mdb_get(txn, view, &lookup, &found), "mdb_get view")
                return UInt64(bigEndian: found.mv_data.loadUnaligned(as: UInt64.self))
            }
            if current != sequence {
                try Self.check(mdb_cursor_del(cursor, 0), "mdb_cursor_del")  // MDB_NEXT then gives the entry after it
                changes += 1
            } else if sequence <= cutoffSequence, raw.count > 22 + idCount {
                entry = Array(raw[0..<(22 + idCount)])
                var keyBytes = sequence.bigEndian
                var putKey = MDB_val(mv_size: 8, mv_data: &keyBytes)
                try entry.withUnsafeMutableBytes { bytes in
                    var data = MDB_val(mv_size: bytes.count, mv_data: bytes.baseAddress)
                    try Self.check(mdb_cursor_put(cursor, &putKey, &data, 0), "mdb_cursor_put log")
                }
                pruned += 1
                changes += 1
            }
            last = sequence
        }
        return (last + 1, true)
    }

    /// The log's last sequence, 0 when it is empty.
    private func lastSequence(txn: OpaquePointer?) throws -> UInt64 {
        var cursor: OpaquePointer?
        try Self.check(mdb_cursor_open(txn, log, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val()
        var value = MDB_val()
        guard mdb_cursor_get(cursor, &key, &value, MDB_LAST) == 0 else { return 0 }
        return UInt64(bigEndian: key.mv_data.loadUnaligned(as: UInt64.self))
    }

    private func writeCheckpoint(_ value: Int, dataset: UInt32, txn: OpaquePointer?) throws {
        var keyBytes: (UInt32, UInt32) = (0x636B_7074, dataset.bigEndian)  // "ckpt" (any fixed tag) + dataset
        try withUnsafeMutableBytes(of: &keyBytes) { keyRaw in
            var key = MDB_val(mv_size: 8, mv_data: keyRaw.baseAddress)
            var found = MDB_val()
            var version: UInt64 = 0
            let code = mdb_get(txn, checkpoints, &key, &found)
            if code == 0 {
                version = UInt64(bigEndian: found.mv_data.loadUnaligned(as: UInt64.self))
            } else if code != MDB_NOTFOUND {
                try Self.check(code, "mdb_get checkpoint")
            }
            var bytes = withUnsafeBytes(of: (version + 1).bigEndian) { Array($0) }
            bytes.append(contentsOf: #"{"batch":\#(value),"cursor":"page-\#(value)"}"#.utf8)
            try bytes.withUnsafeMutableBytes { raw in
                var data = MDB_val(mv_size: raw.count, mv_data: raw.baseAddress)
                try Self.check(mdb_put(txn, checkpoints, &key, &data, 0), "mdb_put checkpoint")
            }
        }
    }

    // MARK: - Replay

    /// A raw cursor scan of the log, `pageSize` entries a read transaction (renewed, not reopened), copying
    /// each entry's payload into a page buffer: the least a reader that hands out owned data can do.
    let replayForms: [ReplayForm] = [.borrowed, .owned]

    func replayBlocking(connection: Int, pageSize: Int, form: ReplayForm) throws -> ReplayResult {
        let dataset = UInt32(connection + 1)
        var txn: OpaquePointer?
        try Self.check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin")
        defer { mdb_txn_abort(txn) }
        mdb_txn_reset(txn)
        var cursor: OpaquePointer?
        var result = ReplayResult(records: 0, bytes: 0)
        var page = [UInt8]()
        var owned: [(id: String, payload: [UInt8])] = []
        var position: UInt64 = 0  // the last sequence read; 0 is before the first
        let startKey = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        defer { startKey.deallocate() }
        while true {
            try Self.check(mdb_txn_renew(txn), "mdb_txn_renew")
            if cursor == nil {
                try Self.check(mdb_cursor_open(txn, log, &cursor), "mdb_cursor_open")
            } else {
                try Self.check(mdb_cursor_renew(txn, cursor), "mdb_cursor_renew")
            }
            startKey.pointee = (position + 1).bigEndian
            var key = MDB_val(mv_size: 8, mv_data: startKey)
            var value = MDB_val()
            var op = MDB_SET_RANGE
            var read = 0
            page.removeAll(keepingCapacity: true)
            owned = []
            while read < pageSize, mdb_cursor_get(cursor, &key, &value, op) == 0 {
                op = MDB_NEXT
                position = UInt64(bigEndian: key.mv_data.loadUnaligned(as: UInt64.self))
                let entry = UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
                guard UInt32(bigEndian: entry.loadUnaligned(as: UInt32.self)) == dataset else { continue }
                let idCount = Int(UInt16(bigEndian: entry.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) & 0x7FFF)
                let payload = UnsafeRawBufferPointer(rebasing: entry[(22 + idCount)...])
                if form == .owned {
                    let id = String(decoding: UnsafeRawBufferPointer(rebasing: entry[6..<(6 + idCount)]), as: UTF8.self)
                    owned.append((id, Array(payload)))
                    result.bytes += payload.count
                } else {
                    page.append(contentsOf: payload)
                }
                read += 1
            }
            mdb_txn_reset(txn)
            result.records += read
            result.bytes += page.count
            if read < pageSize { break }
        }
        if let cursor { mdb_cursor_close(cursor) }
        return result
    }
}
