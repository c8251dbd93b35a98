import BenchmarkSupport

/// Which of the three systems of BENCHMARKS.md a run measures.
enum SystemKind: String, CaseIterable, Codable, Sendable {
    /// The engine, through its public Swift API.
    case tidemark
    /// The same LMDB work with no engine around it: the physical limit of the design.
    case floor
    /// SQLite through GRDB with the same semantics: what a Swift developer would pick instead.
    case peer
}

/// How commits reach the disk.
enum BenchDurability: String, Codable, Sendable {
    /// A batch is on disk when its commit returns (LMDB's default flags; SQLite WAL + synchronous=NORMAL, the
    /// peer as BENCHMARKS.md defines it).
    case durable
    /// The explicit fast mode: LMDB `MDB_NOMETASYNC`; the peer is unchanged (WAL + NORMAL already skips the
    /// per-commit fsync).
    case fast
}

/// One batch as the workloads hand it to a system: records of one connection (tenant) and the checkpoint the
/// batch carries (its sequence number within the sync, written in the same transaction).
struct WriteBatch: Sendable {
    /// The connection (0-based); each connection is its own dataset.
    var connection: Int
    /// The records, JSON bytes with their ids.
    var records: [GeneratedRecord]
    /// The checkpoint value, a batch counter.
    var checkpoint: Int
}

/// How a replay hands each record to the code that reads it (W3).
enum ReplayForm: String, Codable, Sendable, CaseIterable {
    /// The record's bytes as the store holds them, each payload appended to one reusable page buffer: the least
    /// a consumer can do with every payload. Tidemark `forEachRecord`, the floor's raw cursor, GRDB
    /// `Row.withUnsafeData`. The form the targets of BENCHMARKS.md are read against.
    case borrowed
    /// One owned value per record (id string and payload bytes; Tidemark adds its metadata), what an application
    /// keeps: Tidemark `records(in:_:)`, `String` + `[UInt8]` per floor entry, `String` + `Data` per peer row.
    case owned
    /// Each page rendered as the platform's `GET /records` body in process (Tidemark `recordsJSON`): the
    /// server's work without the network.
    case json
    /// Each page fetched with `GET /records` from Tidemark's HTTP server on loopback.
    case http

    /// The workload key of a replay of this form with pages of `pageSize`.
    func workload(pageSize: Int) -> String {
        self == .borrowed ? "W3/\(pageSize)" : "W3 \(rawValue)/\(pageSize)"
    }
}

/// What one replay pass read.
struct ReplayResult: Sendable {
    /// Records (or, for the floor, log entries) returned.
    var records: Int
    /// Payload bytes returned.
    var bytes: Int
}

/// A system under test. Every method is called from one task at a time except in W4, where writers and
/// readers run concurrently on different connections.
protocol BenchSystem: AnyObject, Sendable {
    /// Saves one batch: per record, hash and compare with the stored hash; append and upsert when new or changed;
    /// write the checkpoint; commit, all in one transaction (or one atomic engine write). Returns how many
    /// records were written (new or changed).
    @discardableResult
    func write(_ batch: WriteBatch) async throws -> Int
    /// The replay forms the system has; the floor and the peer have no JSON rendering and no server.
    var replayForms: [ReplayForm] { get }
    /// Reads connection `connection`'s dataset from the first position to the end, `pageSize` records at a time,
    /// each record handed over in `form`.
    func replay(connection: Int, pageSize: Int, form: ReplayForm) async throws -> ReplayResult
    /// W5: opens a delete window on connection `connection`'s dataset; every record saved from now on, changed or
    /// not, counts as seen.
    func openDeleteWindow(connection: Int) async throws
    /// W5: closes the window, soft-deleting (and appending to the stream) every live record not seen since it
    /// opened, in one atomic step; returns how many.
    func closeDeleteWindow(connection: Int) async throws -> Int
    /// W6: moves the system's clock `days` forward. Tidemark advances its `ManualClock`; the floor and the peer
    /// note their log's last position, their measure of "older" (time only grows with it).
    func advanceClock(days: Int) async throws
    /// W6: drops the payloads older than the payload TTL (30 days), compacts the log, and writes a compacted copy
    /// of the store into the existing empty `directory`; returns how many payloads it dropped.
    func pruneAndCompact(into directory: String) async throws -> Int
    /// Flushes and closes; the directory then holds the store's final files.
    func close() async throws
}

/// A system whose replay is a synchronous, thread-blocking call. W4 runs its readers on threads of their own:
/// a reader looping on the two-thread cooperative pool would starve the writers' tasks.
protocol BlockingReplaySystem: BenchSystem {
    func replayBlocking(connection: Int, pageSize: Int, form: ReplayForm) throws -> ReplayResult
}

extension BlockingReplaySystem {
    func replay(connection: Int, pageSize: Int, form: ReplayForm) async throws -> ReplayResult {
        try replayBlocking(connection: connection, pageSize: pageSize, form: form)
    }
}

/// A system whose calls all block the calling thread (plain C APIs). W4 drives its writers from threads of
/// their own too, rather than from the cooperative pool, which would cap concurrency at two.
protocol BlockingBenchSystem: BlockingReplaySystem {
    @discardableResult
    func writeBlocking(_ batch: WriteBatch) throws -> Int
}

extension BlockingBenchSystem {
    func write(_ batch: WriteBatch) async throws -> Int { try writeBlocking(batch) }
}

/// An error of the harness itself.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Opens a system of `kind` in the existing empty directory `directory`.
/// Opens a system of `kind` in the existing empty directory `directory`. With `manualClock`, Tidemark's time
/// moves only by ``BenchSystem/advanceClock(days:)`` (W6).
func openSystem(_ kind: SystemKind, directory: String, durability: BenchDurability, manualClock: Bool = false) async throws -> any BenchSystem {
    switch kind {
    case .floor: return try FloorSystem(directory: directory, durability: durability)
    case .peer: return try PeerSystem(directory: directory, durability: durability)
    case .tidemark: return try await TidemarkSystem(directory: directory, durability: durability, manualClock: manualClock)
    }
}
