import LMDB

/// Where a store's disk goes (``Store/spaceReport()``): pages of the data file, and what the change log holds.
///
/// The log needs no compaction pass: a batch deletes a record's previous log entry in the same transaction that
/// appends its new one, so the log holds one entry per record, and its size follows the live data, not the history.
/// ``supersededEntries`` checks that instead of assuming it. Pages freed that way go to LMDB's free list and are
/// reused by later writes; the file itself never shrinks, and ``Store/copy(to:compacting:)`` writes a copy without
/// the free pages to give disk space back.
public struct SpaceReport: Equatable, Sendable {
    /// The page size in bytes.
    public var pageSize: Int
    /// The map size in bytes: address space reserved for the file, which grows toward it as needed.
    public var mapSize: Int
    /// Pages of the data file: up to the highest page in use.
    public var filePages: Int
    /// Pages of the file on LMDB's free list, reusable by later writes (a compacting copy leaves them out).
    public var freePages: Int
    /// Log entries of every dataset, emptied ones awaiting purge included.
    public var logEntries: Int
    /// Log entries of current datasets that are not their record's latest version (the view points elsewhere or
    /// nowhere). Eager compaction keeps this at zero; it is counted, not assumed.
    public var supersededEntries: Int
    /// Log entries of datasets emptied (by a reset with emptyCache, or by the full-record TTL) that
    /// ``Store/purgeEmptiedDatasets(entriesPerTransaction:)`` has not removed yet.
    public var entriesAwaitingPurge: Int
    /// Log entries of current datasets whose payload was pruned.
    public var prunedEntries: Int
    /// Bytes of stored payloads (canonical JSON) of current datasets: the sum of their
    /// ``DatasetCounts/payloadBytes``.
    public var payloadBytes: Int64

    /// Pages holding data: ``filePages`` less ``freePages``.
    public var usedPages: Int { filePages - freePages }
}

extension Store {
    /// Reports the data file's pages (from `mdb_env_info` and LMDB's free list) and the change log's entries, in one
    /// read transaction (a consistent snapshot of the log; the page figures are the latest commit's). Reads the
    /// whole log with one view lookup per entry, holding one entry at a time, so it takes time in proportion to the
    /// store but no memory; it never blocks the writer.
    public func spaceReport() throws -> SpaceReport {
        try read { txn in
            let info = environment.info
            let freeList = try txn.freeListStatistics()
            var report = SpaceReport(pageSize: environment.statistics.pageSize, mapSize: info.mapSize,
                                     filePages: info.lastPageNumber + 1, freePages: freeList.freePages, logEntries: 0,
                                     supersededEntries: 0, entriesAwaitingPurge: 0, prunedEntries: 0, payloadBytes: 0)
            let catalog = DatasetCatalog(layout: layout)
            var dataset: (id: UInt32, isCurrent: Bool)?
            var viewKey = ByteWriter(capacity: 300)
            try txn.withCursor(on: layout.log) { cursor in
                var next = try cursor.first()
                while let raw = next {
                    report.logEntries += 1
                    let position = try decodeLogKey(raw.key)
                    if dataset?.id != position.dataset {
                        let record = try catalog.record(position.dataset, in: txn)
                        dataset = (position.dataset, record.map { !$0.isEmptied } ?? false)
                    }
                    guard dataset?.isCurrent == true else {
                        report.entriesAwaitingPurge += 1
                        next = try cursor.next()
                        continue
                    }
                    let entry = try LogEntry(decoding: raw.value)
                    report.payloadBytes += Int64(entry.payload.count)
                    if entry.prunedAt != nil { report.prunedEntries += 1 }
                    viewKey.bytes.removeAll(keepingCapacity: true)
                    ViewEntry.key(dataset: position.dataset, recordID: entry.id, into: &viewKey)
                    let latest = try viewKey.bytes.withUnsafeBytes { key in
                        try txn.value(in: layout.view, forKey: key).map { value throws(TidemarkError) in try ViewEntry(decoding: value).sequence }
                    }
                    if latest != position.sequence { report.supersededEntries += 1 }
                    next = try cursor.next()
                }
            }
            return report
        }
    }
}
