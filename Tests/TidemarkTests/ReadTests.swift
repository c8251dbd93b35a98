import Testing
@testable import Tidemark

@Suite("Reading the change stream (SPEC §3.1)")
struct ReadTests {
    /// a, b, c added; b updated; c deleted → stream a(ADDED) b(UPDATED) c(DELETED).
    private func threeStates() async throws -> Fixture {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#)
        fixture.clock.advance(milliseconds: 1000)
        try await fixture.store.save(#"{"id":"b","v":2}"#)
        fixture.clock.advance(milliseconds: 1000)
        var batch = Batch(connection: acme)
        batch.delete(["c"], from: contact)
        try await fixture.store.write(batch)
        return fixture
    }

    @Test(arguments: [
        ("added", ["a"]), ("updated", ["b"]), ("deleted", ["c"]),
        ("added,updated", ["a", "b"]), ("added,deleted", ["a", "c"]), ("updated,deleted", ["b", "c"]),
        ("ADDED,Updated,deleted", ["a", "b", "c"]),
    ])
    func filterIsTheUnionOfStates(filter: String, expected: [String]) async throws {
        let fixture = try await threeStates()
        let query = RecordQuery(filter: try RecordQuery.parseFilter(filter))
        #expect(try fixture.store.all(query: query).map(\.id) == expected)
    }

    @Test func unknownFilterIsRejected() {
        #expect(throws: TidemarkError.invalidQuery("filter 'removed' is not one of added, updated, deleted")) {
            try RecordQuery.parseFilter("added,removed")
        }
    }

    @Test func modifiedAfterIsInclusive() async throws {
        let fixture = try await threeStates()
        let updatedAt = try #require(try fixture.store.record("b", in: contacts)).metadata.lastModifiedAt
        #expect(try fixture.store.all(query: RecordQuery(modifiedAfter: updatedAt)).map(\.id) == ["b", "c"])
        #expect(try fixture.store.all(query: RecordQuery(modifiedAfter: updatedAt.adding(milliseconds: 1))).map(\.id) == ["c"])
    }

    @Test func idsFilterReturnsOnlyThoseInStreamOrder() async throws {
        let fixture = try await threeStates()
        #expect(try fixture.store.all(query: RecordQuery(ids: ["c", "a", "nope"])).map(\.id) == ["a", "c"])
        let page = try fixture.store.records(in: contacts, RecordQuery(limit: 1, ids: ["c", "a"]))
        #expect(page.records.map(\.id) == ["a"])
        #expect(page.nextCursor == page.records[0].metadata.cursor)
        let rest = try fixture.store.records(in: contacts, RecordQuery(cursor: page.nextCursor, limit: 1, ids: ["c", "a"]))
        #expect(rest.records.map(\.id) == ["c"])
        #expect(rest.nextCursor == nil)
    }

    @Test func limitBounds() async throws {
        let fixture = try await threeStates()
        for limit in [0, -1, 10_001] {
            #expect(throws: TidemarkError.invalidQuery("limit must be between 1 and 10000, not \(limit)")) {
                try fixture.store.records(in: contacts, RecordQuery(limit: limit))
            }
        }
        #expect(try fixture.store.records(in: contacts, RecordQuery(limit: 10_000)).records.count == 3)
        #expect(throws: TidemarkError.self) {
            try fixture.store.records(in: contacts, RecordQuery(ids: (0...100).map(String.init)))
        }
    }

    @Test func paginationVisitsEveryRecordOnceInCommitOrder() async throws {
        let fixture = try Fixture()
        for start in stride(from: 0, to: 3000, by: 500) {
            var list = JSONRecords()
            for n in start..<start + 500 { list.append(json: #"{"id":"r\#(n)","n":\#(n)}"#) }
            try await fixture.store.write(saveBatch(list))
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try fixture.store.records(in: contacts, RecordQuery(cursor: cursor, limit: 100))
            seen += page.records.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(pages == 30)
        #expect(seen == (0..<3000).map { "r\($0)" })
    }

    @Test func aRecordChangedWhilePagingIsSeenAgainLater() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#)
        let first = try fixture.store.records(in: contacts, RecordQuery(limit: 2))
        #expect(first.records.map(\.id) == ["a", "b"])
        try await fixture.store.save(#"{"id":"a","v":2}"#)
        let second = try fixture.store.records(in: contacts, RecordQuery(cursor: first.nextCursor, limit: 10))
        #expect(second.records.map(\.id) == ["c", "a"])
        #expect(second.records[1].payloadText == #"{"id":"a","v":2}"#)
    }

    @Test func responseJSONHasThePlatformShape() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","name":"Alice"}"#)
        let page = try fixture.store.records(in: contacts)
        let cursor = page.records[0].metadata.cursor
        let at = fixture.clock.now().description
        #expect(String(decoding: page.json, as: UTF8.self) ==
            #"{"records":[{"id":"a","name":"Alice","_nango_metadata":{"first_seen_at":"\#(at)","last_modified_at":"\#(at)","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"\#(cursor)"}}],"next_cursor":null}"#)
    }

    @Test func aReadStartedBeforeACommitDoesNotSeeIt() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        let store = fixture.store
        let seenInSnapshot = try store.environment.read { txn throws -> [String] in
            let reader = StreamReader(layout: store.layout)
            // Commit from another thread while this snapshot is open, and wait for the commit to finish.
            let done = DispatchSemaphoreBox()
            Task.detached {
                _ = try? await store.save(#"{"id":"b"}"#)
                done.signal()
            }
            done.wait()
            return try reader.page(of: contacts, query: RecordQuery(), in: txn).records.map(\.id)
        }
        #expect(seenInSnapshot == ["a"])
        #expect(try store.all().map(\.id) == ["a", "b"])
    }
}

import Dispatch

/// A semaphore usable from a detached task.
final class DispatchSemaphoreBox: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func signal() { semaphore.signal() }
    func wait() { semaphore.wait() }
}
