import Tidemark

/// What batch `k` (from 1) of the crash workload writes, in one transaction:
///
/// - saves `<prefix><k>-0` … `<prefix><k>-(n-1)` to `Contact`, each `{"id":…,"v":"b<k>"}`;
/// - from `k = 2`, updates `<prefix><k-1>-0` with `{"u":"b<k>"}` (merged into its payload);
/// - from `k = 3`, deletes `<prefix><k-2>-(n-1)`;
/// - sets the checkpoint of the sync to `{"batch": k}`, expecting the version batch `k-1` left, so that a batch
///   can only ever follow its predecessor.
///
/// The crash tests hold an independent oracle of the same rules and check the reopened store against it.
struct CrashWorkload {
    /// The connection written to.
    let connection: ConnectionKey
    /// The sync whose checkpoint chains the batches.
    let sync: String
    /// The prefix of every record id.
    let prefix: String
    /// New records per batch.
    let records: Int

    /// The model every record goes to.
    static let model = ModelName("Contact")

    /// Batch `k`, expecting the checkpoint at `version` (`nil`: no checkpoint yet).
    func batch(_ k: Int, after version: UInt64?) -> Batch {
        var batch = Batch(connection: connection, sync: sync)
        batch.save(JSONRecords((0..<records).map { #"{"id":"\#(prefix)\#(k)-\#($0)","v":"b\#(k)"}"# }), to: Self.model)
        if k >= 2 {
            batch.update(JSONRecords([#"{"id":"\#(prefix)\#(k - 1)-0","u":"b\#(k)"}"#]), in: Self.model)
        }
        if k >= 3 {
            batch.delete(["\(prefix)\(k - 2)-\(records - 1)"], from: Self.model)
        }
        batch.checkpoint = .set(["batch": .number(Double(k))], expected: version.map { .exactly($0) } ?? .absent)
        return batch
    }
}
