import Synchronization
import Testing
@testable import Tidemark

@Suite("Log compaction and space (SPEC §5)")
struct CompactionTests {
    private func versions(_ ids: Range<Int>, version: Int, model: ModelName = contact) -> Batch {
        saveBatch(JSONRecords(ids.map { #"{"id":"r\#($0)","v":\#(version),"pad":"\#(String(repeating: "x", count: 40 * version))"}"# }), model: model)
    }

    @Test func afterThreeUpdatesOfEveryRecordTheLogHoldsOneEntryPerRecord() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        try await store.write(versions(0..<500, version: 0))
        for version in 1...3 {
            let summary = try await store.write(versions(0..<500, version: version))
            #expect(summary.models["Contact"]?.updated.count == 500)
            let space = try store.spaceReport()
            #expect(space.logEntries == 500)
            #expect(space.supersededEntries == 0)
            try store.expectConsistent()
        }
        let space = try store.spaceReport()
        let counts = try store.counts(of: contacts)
        #expect(counts.live == 500)
        #expect(space.payloadBytes == counts.payloadBytes)
        #expect(space.prunedEntries == 0)
        #expect(space.entriesAwaitingPurge == 0)
        #expect(space.freePages > 0)
        #expect(space.usedPages == space.filePages - space.freePages)
        #expect(space.pageSize == 4096)
        #expect(try store.all().map(\.payloadText).allSatisfy { $0.contains(#""v":3"#) })
    }

    @Test func theSpaceReportCountsPrunedAndPurgeableEntries() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        try await store.write(versions(0..<20, version: 1))
        try await store.write(versions(0..<7, version: 1, model: ModelName("Deal")))
        fixture.clock.advance(milliseconds: 31 * day)
        try await store.write(versions(20..<25, version: 1))
        #expect(try await store.applyPayloadTTL() == 27)
        let layout = store.layout
        #expect(try await store.performWrite { txn, _ in
            try DatasetCatalog(layout: layout).retire(DatasetKey(connection: acme, model: ModelName("Deal")), in: txn)
        })
        let space = try store.spaceReport()
        #expect(space.logEntries == 32)
        #expect(space.entriesAwaitingPurge == 7)
        #expect(space.prunedEntries == 20)
        #expect(space.supersededEntries == 0)
        #expect(space.payloadBytes == (try store.counts(of: contacts)).payloadBytes)
        #expect(space.payloadBytes == 5 * 67)
    }

    /// A consumer pages through the stream while a writer updates every record three times and maintenance
    /// expires and purges another dataset, in small transactions. Each record is seen at most once per page, the
    /// stream never goes back, a record's versions arrive in order, and once caught up the consumer has every
    /// record exactly once at its latest version.
    @Test func aReplayRacingWithUpdatesAndMaintenanceSeesEveryRecordOnceAtItsLatestVersion() async throws {
        let fixture = try Fixture {
            $0.retention.payloadTTL = .zero
            $0.retention.recordsPerTransaction = 25
        }
        let store = fixture.store
        let deals = DatasetKey(connection: acme, model: ModelName("Deal"))
        try await store.write(versions(0..<300, version: 0, model: deals.model))
        fixture.clock.advance(milliseconds: 61 * day)
        try await store.write(versions(0..<300, version: 0))

        let writing = Task.detached {
            for version in 1...3 {
                for start in stride(from: 0, to: 300, by: 20) {
                    try await store.write(versions(start..<start + 20, version: version))
                }
            }
        }
        let maintaining = Task.detached { try await store.runMaintenance() }

        var delivered: [(id: String, version: Int, sequence: UInt64)] = []
        var cursor: String?
        func readToTheEnd() throws -> Bool {
            let page = try store.records(in: contacts, RecordQuery(cursor: cursor, limit: 10))
            #expect(Set(page.records.map(\.id)).count == page.records.count)
            for record in page.records {
                let version = try #require(Int(record.payloadText.split(separator: #""v":"#).last?.prefix { $0.isNumber } ?? ""))
                delivered.append((record.id, version, try StreamCursor(parsing: record.metadata.cursor).sequence))
            }
            cursor = page.records.last?.metadata.cursor ?? cursor
            return page.nextCursor == nil
        }
        while try !readToTheEnd() { await Task.yield() }
        try await writing.value
        #expect(try await maintaining.value == MaintenanceReport(expiredDatasets: 1, purgedRecords: 300, prunedPayloads: 0))
        while try !readToTheEnd() {}

        #expect(zip(delivered, delivered.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        var latest: [String: Int] = [:]
        for (id, version, _) in delivered {
            #expect(version > latest[id, default: -1], "record \(id) went back from version \(latest[id] ?? -1) to \(version)")
            latest[id] = version
        }
        #expect(latest == Dictionary(uniqueKeysWithValues: (0..<300).map { ("r\($0)", 3) }))
        #expect(delivered.filter { $0.version == 3 }.count == 300)
        #expect(try store.counts(of: deals) == DatasetCounts())
        #expect(try store.spaceReport().logEntries == 300)
        try store.expectConsistent()
    }
}
