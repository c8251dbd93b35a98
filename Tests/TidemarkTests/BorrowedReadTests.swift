import Testing
@testable import Tidemark

@Suite("Borrowed reads: forEachRecord lends what records(in:) copies")
struct BorrowedReadTests {
    /// Pages of `limit` through `forEachRecord`, each record copied, with the cursor it returned after each page.
    private func borrowedPages(_ store: Store, query: RecordQuery) throws -> [RecordPage] {
        var pages: [RecordPage] = []
        var query = query
        repeat {
            var records: [StoredRecord] = []
            let next = try store.forEachRecord(in: contacts, query) { records.append(StoredRecord($0)) }
            pages.append(RecordPage(records: records, nextCursor: next))
            query.cursor = next
        } while query.cursor != nil
        return pages
    }

    private func copiedPages(_ store: Store, query: RecordQuery) throws -> [RecordPage] {
        var pages: [RecordPage] = []
        var query = query
        repeat {
            let page = try store.records(in: contacts, query)
            pages.append(page)
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return pages
    }

    @Test func everyPageEqualsTheCopiedOneWithStatesFiltersAndAPrunedPayload() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        try await store.save(#"{"id":"old","name":"Ann"}"#)
        fixture.clock.advance(milliseconds: 40 * day)
        try await store.save(#"{"id":"a","n":1}"#, #"{"id":"b","n":2}"#, #"{"id":"c","n":3}"#, #"{"id":"d","n":4}"#)
        try await store.save(#"{"id":"b","n":20}"#)
        var batch = Batch(connection: acme)
        batch.delete(["c"], from: contact)
        try await store.write(batch)
        #expect(try await store.applyPayloadTTL() == 1)  // "old" is pruned: it lends {"id":"old"}

        for query in [RecordQuery(limit: 2), RecordQuery(limit: 10_000), RecordQuery(limit: 1, filter: [.updated, .deleted])] {
            let borrowed = try borrowedPages(store, query: query)
            #expect(borrowed == (try copiedPages(store, query: query)))
        }
        let all = try borrowedPages(store, query: RecordQuery(limit: 100)).flatMap(\.records)
        #expect(all.map(\.id) == ["old", "a", "d", "b", "c"])
        #expect(all[0].payloadText == #"{"id":"old"}"#)
        #expect(all[0].metadata.prunedAt != nil)
    }

    @Test func bytesRenderTheSameJSONAsTheCopy() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","name":"Alice"}"#, #"{"id":"b"}"#)
        var lent: [UInt8] = []
        try fixture.store.forEachRecord(in: contacts) { $0.appendJSON(to: &lent) }
        var copied: [UInt8] = []
        for record in try fixture.store.records(in: contacts).records { record.appendJSON(to: &copied) }
        #expect(lent == copied)
        #expect(!lent.isEmpty)
    }

    @Test func anErrorFromTheBodyStopsTheReadAndReachesTheCaller() async throws {
        struct Stop: Error {}
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#)
        var seen: [String] = []
        #expect(throws: Stop.self) {
            try fixture.store.forEachRecord(in: contacts) { record in
                seen.append(String(decoding: record.id, as: UTF8.self))
                if seen.count == 2 { throw Stop() }
            }
        }
        #expect(seen == ["a", "b"])
    }

    @Test func badQueriesAreRejectedBeforeAnyRecordIsLent() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        var lent = 0
        #expect(throws: TidemarkError.malformedCursor) {
            try fixture.store.forEachRecord(in: contacts, RecordQuery(cursor: "not-a-cursor")) { _ in lent += 1 }
        }
        #expect(throws: TidemarkError.invalidQuery("limit must be between 1 and 10000, not 0")) {
            try fixture.store.forEachRecord(in: contacts, RecordQuery(limit: 0)) { _ in lent += 1 }
        }
        #expect(lent == 0)
    }
}
