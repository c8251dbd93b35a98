import BenchmarkSupport
import LMDB
import Tidemark

/// Tidemark through its public Swift API, as an application embeds it: `Store(directory:options:)` with the
/// default options but durability, one `Batch` per batch (saves to one model plus a checkpoint `.set`), and
/// `records(in:_:)` paging with `nextCursor` for replay.
final class TidemarkSystem: BlockingReplaySystem {
    private let store: Store
    private static let model = ModelName("Contact")
    private static let integration = "bench-integration"

    init(directory: String, durability: BenchDurability) async throws {
        var options = StoreOptions()
        options.durability = durability == .durable ? .durable : .relaxed
        store = try Store(directory: directory, options: options)
    }

    private static func connection(_ index: Int) -> ConnectionKey {
        ConnectionKey(integrationID: integration, connectionID: "connection-\(index)")
    }

    func write(_ batch: WriteBatch) async throws -> Int {
        var records = JSONRecords()
        records.reserveCapacity(records: batch.records.count, bytesPerRecord: batch.records.first?.json.count ?? 256)
        for record in batch.records { records.append(record.json) }
        var write = Batch(connection: Self.connection(batch.connection), sync: "bench-sync")
        write.save(records, to: Self.model)
        write.checkpoint = .set(["batch": .number(Double(batch.checkpoint)), "cursor": .string("page-\(batch.checkpoint)")])
        let summary = try await store.write(write)
        guard let outcome = summary.models[Self.model.description] else { return 0 }
        return outcome.added.count + outcome.updated.count
    }

    /// `Store.records(in:_:)` is synchronous: it reads on the calling thread.
    func replayBlocking(connection: Int, pageSize: Int) throws -> ReplayResult {
        let dataset = DatasetKey(connection: Self.connection(connection), model: Self.model)
        var result = ReplayResult(records: 0, bytes: 0)
        var cursor: String?
        while true {
            let page = try store.records(in: dataset, RecordQuery(cursor: cursor, limit: pageSize))
            result.records += page.records.count
            for record in page.records { result.bytes += record.payload.count }
            guard let next = page.nextCursor else { break }
            cursor = next
        }
        return result
    }

    func close() async throws {}
}
