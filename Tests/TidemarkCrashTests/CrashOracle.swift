import Foundation
@testable import Tidemark

/// The expected content of a store after the crash workload's batches `1...batch` of one writer, written
/// independently of the writer's `CrashWorkload` from the same rules: batch `k` saves `<p><k>-0…<p><k>-(n-1)`
/// as `{"id":…,"v":"b<k>"}`, updates `<p><k-1>-0` with `"u":"b<k>"` and deletes `<p><k-2>-(n-1)`, and sets the
/// checkpoint to `{"batch": k}`.
struct CrashOracle {
    /// The record id prefix of the writer.
    var prefix = "r"
    /// New records per batch.
    var records = 5

    /// The connection, dataset and sync every writer uses (each writer has its own sync name).
    static let connection = ConnectionKey(integrationID: "crash", connectionID: "c")
    /// The dataset written.
    static let dataset = DatasetKey(connection: connection, model: ModelName("Contact"))

    /// One expected record: its canonical payload and whether it is deleted.
    struct Expected: Equatable {
        var payload: String
        var deleted: Bool
    }

    /// Every record after batches `1...batch`, by id.
    func records(after batch: Int) -> [String: Expected] {
        var result: [String: Expected] = [:]
        for k in stride(from: 1, through: batch, by: 1) {
            for i in 0..<records {
                let id = "\(prefix)\(k)-\(i)"
                let updated = i == 0 && k < batch
                let payload = updated ? #"{"id":"\#(id)","u":"b\#(k + 1)","v":"b\#(k)"}"# : #"{"id":"\#(id)","v":"b\#(k)"}"#
                result[id] = Expected(payload: payload, deleted: i == records - 1 && k <= batch - 2)
            }
        }
        return result
    }

    /// The ids whose change moved to the end of the stream in batches `after + 1 ... through`.
    func changed(after: Int, through: Int) -> Set<String> {
        var result: Set<String> = []
        for k in stride(from: after + 1, through: through, by: 1) {
            for i in 0..<records { result.insert("\(prefix)\(k)-\(i)") }
            if k >= 2 { result.insert("\(prefix)\(k - 1)-0") }
            if k >= 3 { result.insert("\(prefix)\(k - 2)-\(records - 1)") }
        }
        return result
    }

    /// The counts after batches `1...batch`.
    func counts(after batch: Int) -> (live: Int64, deleted: Int64) {
        let deleted = Int64(max(0, batch - 2))
        return (Int64(batch * records) - deleted, deleted)
    }

    /// The batch number the checkpoint of `sync` names (0 when there is none), checking that its version
    /// counts exactly the batches before it.
    static func checkpointedBatch(of sync: String, in store: Store) throws -> Int {
        guard let checkpoint = try store.checkpoint(of: SyncKey(connection: connection, name: sync)) else { return 0 }
        guard case .number(let number)? = checkpoint.value?["batch"], number >= 1, Int(number) == Int(checkpoint.version) else {
            throw CrashTestFailure("checkpoint \(String(describing: checkpoint.value)) at version \(checkpoint.version) does not count its batches")
        }
        return Int(number)
    }
}

extension Store {
    /// The whole change stream of `dataset` after `cursor` (from the start when `nil`).
    func stream(of dataset: DatasetKey = CrashOracle.dataset, after cursor: String? = nil) throws -> [StoredRecord] {
        var result: [StoredRecord] = []
        var query = RecordQuery(cursor: cursor, limit: RecordQuery.maximumLimit)
        while true {
            let page = try records(in: dataset, query)
            result += page.records
            guard let next = page.nextCursor else { return result }
            query.cursor = next
        }
    }
}

/// The sequence number a cursor string names.
func sequence(of cursor: String) throws -> UInt64 {
    try StreamCursor(parsing: cursor).sequence
}
