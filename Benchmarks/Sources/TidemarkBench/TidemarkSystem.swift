import BenchmarkSupport
import LMDB
import Logging
import Tidemark
import TidemarkServer
import Foundation
import Synchronization

/// Tidemark through its public Swift API, as an application embeds it: `Store(directory:options:)` with the
/// default options but durability, one `Batch` per batch (saves to one model plus a checkpoint `.set`), and
/// replay page by page with `nextCursor` through `forEachRecord`, `records` or `recordsJSON` (``ReplayForm``).
final class TidemarkSystem: BlockingReplaySystem {
    private let store: Store
    private static let model = ModelName("Contact")
    private static let integration = "bench-integration"

    /// The store's clock when it was opened with a manual one (W6).
    private let clock: ManualClock?

    init(directory: String, durability: BenchDurability, manualClock: Bool) async throws {
        var options = StoreOptions()
        options.durability = durability == .durable ? .durable : .relaxed
        clock = manualClock ? ManualClock(Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))) : nil
        if let clock { options.clock = clock }
        store = try Store(directory: directory, options: options)
    }

    func advanceClock(days: Int) async throws {
        guard let clock else { throw BenchError("W6 needs the store opened with a manual clock") }
        clock.advance(milliseconds: Int64(days) * 86_400_000)
    }

    /// `applyPayloadTTL` (the log needs no compaction: a change removes the entry it supersedes) and a compacting
    /// `copy(to:)`.
    func pruneAndCompact(into directory: String) async throws -> Int {
        let pruned = try await store.applyPayloadTTL()
        try store.copy(to: directory, compacting: true)
        return pruned
    }

    private static func connection(_ index: Int) -> ConnectionKey {
        ConnectionKey(integrationID: integration, connectionID: "connection-\(index)")
    }

    /// The run a W5 delete window belongs to, while one is open; its batches carry its id.
    private let run = Mutex<String?>(nil)
    private static func sync(_ index: Int) -> SyncKey { SyncKey(connection: connection(index), name: "bench-sync") }

    /// A sync run (`beginRun`) and `trackDeletesStart` in it.
    func openDeleteWindow(connection: Int) async throws {
        let start = try await store.beginRun(Self.sync(connection))
        try await store.trackDeletesStart(Self.model, sync: Self.sync(connection), runID: start.runID)
        run.withLock { $0 = start.runID }
    }

    /// `trackDeletesEnd` and `finishRun`.
    func closeDeleteWindow(connection: Int) async throws -> Int {
        guard let runID = run.withLock({ $0 }) else { throw BenchError("no delete window is open") }
        let deleted = try await store.trackDeletesEnd(Self.model, sync: Self.sync(connection), runID: runID)
        _ = try await store.finishRun(Self.sync(connection), runID: runID, outcome: .success)
        run.withLock { $0 = nil }
        return deleted.count
    }

    func write(_ batch: WriteBatch) async throws -> Int {
        var records = JSONRecords()
        records.reserveCapacity(records: batch.records.count, bytesPerRecord: batch.records.first?.json.count ?? 256)
        for record in batch.records { records.append(record.json) }
        var write = Batch(connection: Self.connection(batch.connection), sync: "bench-sync", runID: run.withLock { $0 })
        write.save(records, to: Self.model)
        write.checkpoint = .set(["batch": .number(Double(batch.checkpoint)), "cursor": .string("page-\(batch.checkpoint)")])
        let summary = try await store.write(write)
        guard let outcome = summary.models[Self.model.description] else { return 0 }
        return outcome.added.count + outcome.updated.count
    }

    let replayForms: [ReplayForm] = [.borrowed, .owned, .json, .http]
    /// The HTTP server over `store` for W3 over HTTP, started by the first such replay; its task and port.
    private let server = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)

    /// Replays page by page from the first cursor with `forEachRecord` (borrowed), `records` (owned) or
    /// `recordsJSON` (json). All three read synchronously on the calling thread.
    func replayBlocking(connection: Int, pageSize: Int, form: ReplayForm) throws -> ReplayResult {
        let dataset = DatasetKey(connection: Self.connection(connection), model: Self.model)
        var result = ReplayResult(records: 0, bytes: 0)
        var cursor: String?
        var page: [UInt8] = []
        repeat {
            let query = RecordQuery(cursor: cursor, limit: pageSize)
            switch form {
            case .borrowed:
                page.removeAll(keepingCapacity: true)
                cursor = try store.forEachRecord(in: dataset, query) { record in
                    page.append(contentsOf: record.payload)
                    result.records += 1
                }
                result.bytes += page.count
            case .owned:
                let records = try store.records(in: dataset, query)
                result.records += records.records.count
                for record in records.records { result.bytes += record.payload.count }
                cursor = records.nextCursor
            case .json, .http:
                let body = try store.recordsJSON(in: dataset, query)
                result.records += body.count
                result.bytes += body.body.count
                cursor = body.nextCursor
            }
        } while cursor != nil
        return result
    }

    /// The HTTP replay runs its blocking client on a thread of its own: the server's handlers need the
    /// cooperative pool, which has only two threads here.
    func replay(connection: Int, pageSize: Int, form: ReplayForm) async throws -> ReplayResult {
        guard form == .http else { return try replayBlocking(connection: connection, pageSize: pageSize, form: form) }
        let port = try await serverPort()
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Self.replayOverHTTP(port: port, connection: connection, pageSize: pageSize) })
            }.start()
        }
    }

    /// `GET /records` page by page on one keep-alive connection, following `next_cursor`.
    private static func replayOverHTTP(port: Int, connection: Int, pageSize: Int) throws -> ReplayResult {
        let client = try LoopbackClient(port: port)
        let headers = [("Connection-Id", "connection-\(connection)"), ("Provider-Config-Key", integration)]
        var result = ReplayResult(records: 0, bytes: 0)
        var cursor: String?
        repeat {
            let target = "/records?model=\(model)&limit=\(pageSize)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (count, next) = try client.get(target, headers: headers) { body in
                result.bytes += body.count
                return try PageScan.countAndNextCursor(body)
            }
            result.records += count
            cursor = next
        } while cursor != nil
        return result
    }

    private func serverPort() async throws -> Int {
        if let running = server.withLock({ $0 }) { return running.port }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let http = TidemarkHTTPServer(
            store: store, configuration: { var c = ServerConfiguration(); c.port = 0; return c }(),
            logger: Logger(label: "tidemark-bench.http") { _ in SwiftLogNoOpLogHandler() })
        let task = Task { try await http.run { port in continuation.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchError("the HTTP server did not start") }
        server.withLock { $0 = (task, port) }
        return port
    }

    func close() async throws {
        server.withLock { $0?.task.cancel() }
    }
}
