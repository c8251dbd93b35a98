import Testing
@testable import Tidemark

@Suite("Pages rendered straight from the log (Store.recordsJSON)")
struct RecordPageJSONTests {
    /// a, b, c, d, e added over four seconds; b updated (with an escaped id-like payload); c deleted; a's payload
    /// pruned by the payload TTL, so every state, a pruned payload and distinct timestamps appear in the stream.
    private func mixedStream() async throws -> Fixture {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","name":"Alice"}"#, #"{"id":"b"}"#, #"{"id":"c","tags":["x","y"]}"#)
        fixture.clock.advance(milliseconds: 40 * day)
        try await fixture.store.save(#"{"id":"b","note":"quote \" and \\ and é"}"#, #"{"id":"d","n":1.5}"#)
        fixture.clock.advance(milliseconds: 1000)
        var batch = Batch(connection: acme)
        batch.delete(["c"], from: contact)
        try await fixture.store.write(batch)
        fixture.clock.advance(milliseconds: 1000)
        try await fixture.store.save(#"{"id":"e","nested":{"k":null,"t":true}}"#)
        #expect(try await fixture.store.applyPayloadTTL() == 1)
        #expect(try fixture.store.prunedIDs() == ["a"])
        return fixture
    }

    /// Fails unless `recordsJSON` gives exactly `records(in:_:)`'s page: body, count and next cursor.
    private func expectSame(_ store: Store, _ query: RecordQuery, dataset: DatasetKey = contacts,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let page = try store.records(in: dataset, query)
        let rendered = try store.recordsJSON(in: dataset, query)
        #expect(String(decoding: rendered.body, as: UTF8.self) == String(decoding: page.json, as: UTF8.self), sourceLocation: sourceLocation)
        #expect(rendered.body == page.json, sourceLocation: sourceLocation)
        #expect(rendered.count == page.records.count, sourceLocation: sourceLocation)
        #expect(rendered.nextCursor == page.nextCursor, sourceLocation: sourceLocation)
    }

    @Test func everyPageOfEveryQueryIsByteIdenticalToRecordPageJSON() async throws {
        let fixture = try await mixedStream()
        let store = fixture.store
        let stream = try store.all()
        let cursors: [String?] = [nil] + stream.map(\.metadata.cursor)
        let filters: [Set<RecordAction>?] = [nil, [], [.added], [.updated], [.deleted], [.added, .deleted], [.added, .updated, .deleted]]
        let modified: [Timestamp?] = [nil, stream[0].metadata.lastModifiedAt, stream.last?.metadata.lastModifiedAt]
        let idLists: [[String]?] = [nil, ["c", "a", "nope"], ["e", "b", "d", "b"]]
        for cursor in cursors {
            for limit in [1, 2, 100] {
                for filter in filters {
                    for modifiedAfter in modified {
                        for ids in idLists {
                            try expectSame(store, RecordQuery(cursor: cursor, limit: limit, filter: filter, modifiedAfter: modifiedAfter, ids: ids))
                        }
                    }
                }
            }
        }
    }

    @Test func pagingByNextCursorVisitsTheWholeStream() async throws {
        let fixture = try await mixedStream()
        var query = RecordQuery(limit: 2)
        var bodies: [[UInt8]] = []
        while true {
            let rendered = try fixture.store.recordsJSON(in: contacts, query)
            bodies.append(rendered.body)
            guard let next = rendered.nextCursor else { break }
            query.cursor = next
        }
        #expect(bodies.count == 3)
        let records = try fixture.store.all()
        let expected = stride(from: 0, to: records.count, by: 2).map { start in
            RecordPage(records: Array(records[start..<min(start + 2, records.count)]),
                       nextCursor: start + 2 < records.count ? records[start + 1].metadata.cursor : nil).json
        }
        #expect(bodies == expected)
    }

    @Test func emptyAndUnknownDatasetsRenderAnEmptyPage() async throws {
        let fixture = try Fixture()
        let empty = Array(#"{"records":[],"next_cursor":null}"#.utf8)
        #expect(try fixture.store.recordsJSON(in: contacts).body == empty)
        try await fixture.store.save(#"{"id":"a"}"#, model: ModelName("Deal"))
        #expect(try fixture.store.recordsJSON(in: contacts) == RecordPageJSON(body: empty, count: 0, nextCursor: nil))
        try expectSame(fixture.store, RecordQuery(), dataset: DatasetKey(connection: acme, model: ModelName("Deal")))
    }

    @Test func badQueriesFailAsRecordsDoes() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        try await fixture.store.save(#"{"id":"a"}"#, model: ModelName("Deal"))
        let dealCursor = try #require(try fixture.store.firstCursor(of: DatasetKey(connection: acme, model: ModelName("Deal"))))
        #expect(throws: TidemarkError.malformedCursor) { try fixture.store.recordsJSON(in: contacts, RecordQuery(cursor: "not a cursor")) }
        #expect(throws: TidemarkError.cursorFromAnotherDataset) { try fixture.store.recordsJSON(in: contacts, RecordQuery(cursor: dealCursor)) }
        #expect(throws: TidemarkError.invalidQuery("limit must be between 1 and 10000, not 0")) {
            try fixture.store.recordsJSON(in: contacts, RecordQuery(limit: 0))
        }
    }

    @Test func actionsAreWrittenAsTheirRawValues() {
        for action in RecordAction.allCases {
            #expect(action.literal.description == action.rawValue)
        }
    }

    @Test func theMetadataOfARecordWithEveryFieldSetFitsTheReservedSize() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        var batch = Batch(connection: acme)
        batch.delete(["a"], from: contact)
        try await fixture.store.write(batch)
        fixture.clock.advance(milliseconds: 40 * day)
        #expect(try await fixture.store.applyPayloadTTL() == 1)
        let record = try #require(try fixture.store.records(in: contacts).records.first)
        #expect(record.metadata.deletedAt != nil && record.metadata.prunedAt != nil)
        let added = record.json.count - record.payload.count
        #expect(added > 200)
        #expect(added <= RecordMetadata.maximumJSONSize)
    }
}
