@testable import Tidemark

/// The test process's reader: pages `CrashOracle.dataset` forward from where it stopped, as a consumer would.
struct StreamTail {
    /// The cursor of the last change read.
    private(set) var cursor: String?
    private var lastSequence: UInt64 = 0
    /// Every record id seen.
    private(set) var seen: Set<String> = []
    /// Changes read (a record updated after it was read is read again).
    private(set) var changes = 0
    /// Cursors that did not come strictly after the one before.
    private(set) var outOfOrder = 0
    /// Pages read.
    private(set) var polls = 0

    /// Reads one page after ``cursor``; returns how many changes it held.
    mutating func poll(_ store: Store) throws -> Int {
        let page = try store.records(in: CrashOracle.dataset, RecordQuery(cursor: cursor, limit: 1000))
        polls += 1
        for record in page.records {
            let next = try sequence(of: record.metadata.cursor)
            if next <= lastSequence { outOfOrder += 1 }
            lastSequence = next
            seen.insert(record.id)
        }
        changes += page.records.count
        cursor = page.records.last?.metadata.cursor ?? cursor
        return page.records.count
    }
}
