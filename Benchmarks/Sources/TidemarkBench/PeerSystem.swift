import BenchmarkSupport
import Crypto
import Foundation
import GRDB
import Synchronization

/// The peer: what a Swift developer would write with SQLite through GRDB, with Tidemark's semantics.
///
/// `records(dataset, id, hash, payload, seq)` with primary key (dataset, id) and an index on (dataset, seq);
/// `checkpoints(dataset, value, version)`. WAL, `synchronous=NORMAL` (BENCHMARKS.md). Per batch one GRDB write
/// (one transaction): the dataset's last seq, then per record a select of the stored hash, and an upsert with
/// the next seq when new or changed; then the checkpoint (read version, upsert version + 1). Replay is
/// `WHERE dataset = ? AND seq > ? ORDER BY seq LIMIT ?` (keyset pagination), one read transaction a page.
/// Statements are GRDB's cached prepared statements, the fast idiomatic path.
final class PeerSystem: BlockingBenchSystem {
    private let pool: DatabasePool

    init(directory: String, durability: BenchDurability) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: directory + "/peer.sqlite", configuration: configuration)  // WAL
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE records (
                    dataset TEXT NOT NULL,
                    id TEXT NOT NULL,
                    hash BLOB NOT NULL,
                    payload BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    seen INTEGER NOT NULL DEFAULT 0,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (dataset, id)
                );
                CREATE INDEX records_by_seq ON records(dataset, seq);
                CREATE TABLE checkpoints (
                    dataset TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL,
                    version INTEGER NOT NULL
                );
                """)
        }
    }

    func close() async throws {
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }

    private static func dataset(_ connection: Int) -> String { "bench-integration/connection-\(connection)/Contact" }

    func writeBlocking(_ batch: WriteBatch) throws -> Int {
        let dataset = Self.dataset(batch.connection)
        return try pool.write { db -> Int in
            var written = 0
            var seq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM records WHERE dataset = ?", arguments: [dataset]) ?? 0
            let select = try db.cachedStatement(sql: "SELECT hash, deleted, seen FROM records WHERE dataset = ? AND id = ?")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO records (dataset, id, hash, payload, seq, seen) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (dataset, id) DO UPDATE SET hash = excluded.hash, payload = excluded.payload,
                    seq = excluded.seq, seen = excluded.seen, deleted = 0
                """)
            let stamp = try db.cachedStatement(sql: "UPDATE records SET seen = ? WHERE dataset = ? AND id = ?")
            let generation = window.withLock { $0 }
            for record in batch.records {
                let hash = Data(SHA256.hash(data: record.json).prefix(16))
                if let stored = try Row.fetchOne(select, arguments: [dataset, record.id]),
                   stored[0] as Data == hash, stored[1] as Int64 == 0
                {
                    // Unchanged; inside a delete window it is stamped as seen.
                    if generation != 0, stored[2] as Int64 != generation {
                        try stamp.execute(arguments: [generation, dataset, record.id])
                    }
                    continue
                }
                seq += 1
                written += 1
                try upsert.execute(arguments: [dataset, record.id, hash, Data(record.json), seq, generation])
            }
            let version = try Int64.fetchOne(
                db, sql: "SELECT version FROM checkpoints WHERE dataset = ?", arguments: [dataset]) ?? 0
            try db.execute(
                sql: """
                    INSERT INTO checkpoints (dataset, value, version) VALUES (?, ?, ?)
                    ON CONFLICT (dataset) DO UPDATE SET value = excluded.value, version = excluded.version
                    """,
                arguments: [dataset, #"{"batch":\#(batch.checkpoint),"cursor":"page-\#(batch.checkpoint)"}"#, version + 1])
            return written
        }
    }

    let replayForms: [ReplayForm] = [.borrowed, .owned]

    /// The last seq when W6 moved the clock: rows at or before it are older than the payload TTL.
    private let cutoff = Mutex<Int64>(0)

    func advanceClock(days: Int) async throws {
        let last = try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM records") ?? 0 }
        cutoff.withLock { $0 = last }
    }

    /// One transaction that empties the old payloads (the upserts already keep one row per record: no log to
    /// compact), then `VACUUM INTO` the new directory: SQLite's compacting copy.
    func pruneAndCompact(into directory: String) async throws -> Int {
        let cutoff = cutoff.withLock { $0 }
        let pruned = try await pool.write { db -> Int in
            try db.execute(sql: "UPDATE records SET payload = X'' WHERE seq <= ? AND length(payload) > 0", arguments: [cutoff])
            return db.changesCount
        }
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [directory + "/peer.sqlite"])
        }
        return pruned
    }

    /// The generation of the open W5 delete window; 0 when none is open.
    private let window = Mutex<Int64>(0)

    func openDeleteWindow(connection: Int) async throws {
        window.withLock { $0 += 1 }
    }

    /// One transaction: the live rows the window did not stamp get `deleted = 1` and the next seq, in id order.
    func closeDeleteWindow(connection: Int) async throws -> Int {
        let dataset = Self.dataset(connection)
        let generation = window.withLock { $0 }
        let deleted = try await pool.write { db -> Int in
            var seq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM records WHERE dataset = ?", arguments: [dataset]) ?? 0
            let unseen = try String.fetchAll(db, sql: "SELECT id FROM records WHERE dataset = ? AND deleted = 0 AND seen <> ? ORDER BY id",
                                             arguments: [dataset, generation])
            let delete = try db.cachedStatement(sql: "UPDATE records SET deleted = 1, seq = ? WHERE dataset = ? AND id = ?")
            for id in unseen {
                seq += 1
                try delete.execute(arguments: [seq, dataset, id])
            }
            return unseen.count
        }
        window.withLock { $0 = 0 }
        return deleted
    }

    func replayBlocking(connection: Int, pageSize: Int, form: ReplayForm) throws -> ReplayResult {
        let dataset = Self.dataset(connection)
        var result = ReplayResult(records: 0, bytes: 0)
        var last: Int64 = 0
        var page = [UInt8]()
        var owned: [(id: String, payload: Data)] = []
        while true {
            let (read, bytes, position) = try pool.read { db -> (Int, Int, Int64) in
                let statement = try db.cachedStatement(
                    sql: "SELECT id, payload, seq FROM records WHERE dataset = ? AND seq > ? ORDER BY seq LIMIT ?")
                var read = 0
                var position = last
                page.removeAll(keepingCapacity: true)
                owned = []
                let rows = try Row.fetchCursor(statement, arguments: [dataset, last, pageSize])
                while let row = try rows.next() {
                    if form == .owned {
                        let record: (id: String, payload: Data) = (row[0], row[1])
                        owned.append(record)
                        result.bytes += record.payload.count
                    } else {
                        try row.withUnsafeData(atIndex: 1) { page.append(contentsOf: $0 ?? Data()) }
                    }
                    position = row[2]
                    read += 1
                }
                return (read, page.count, position)
            }
            result.records += read
            result.bytes += bytes
            last = position
            if read < pageSize { break }
        }
        return result
    }
}
