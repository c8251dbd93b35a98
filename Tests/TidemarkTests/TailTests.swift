import LMDB
import Testing
@testable import Tidemark

@Suite("Live tail (SPEC §3.3)")
struct TailTests {
    /// A fixture whose tails check for other processes' commits every `interval` (by default never in practice,
    /// so that only this process's commit notifications can wake them).
    private func fixture(checkingEvery interval: Duration = .seconds(3600)) throws -> Fixture {
        try Fixture { $0.tailCheckInterval = interval }
    }

    /// Follows `Contact` from the start and returns the ids of the first `count` pages.
    private func follow(_ store: Store, pages count: Int) -> Task<[[String]], any Error> {
        Task {
            var pages: [[String]] = []
            for try await page in store.changes(in: contacts) {
                pages.append(page.records.map(\.id))
                if pages.count == count { break }
            }
            return pages
        }
    }

    /// Returns once a tail is waiting for a commit.
    private func untilWaiting(_ store: Store) async {
        while store.commits.waiting == 0 { await Task.yield() }
    }

    @Test func aCommitOfAnotherTaskWakesTheTail() async throws {
        let fixture = try fixture()
        let store = fixture.store
        try await store.save(#"{"id":"a"}"#, #"{"id":"b"}"#)
        let tail = follow(store, pages: 2)
        await untilWaiting(store)
        try await store.save(#"{"id":"c"}"#)
        #expect(try await tail.value == [["a", "b"], ["c"]])
    }

    @Test func theTailStartsAfterItsCursorAndPagesBySize() async throws {
        let fixture = try fixture()
        let store = fixture.store
        try await store.save(#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#, #"{"id":"d"}"#)
        let cursor = try store.all()[0].metadata.cursor
        var pages: [[String]] = []
        for try await page in store.changes(in: contacts, after: cursor, pageSize: 2) {
            pages.append(page.records.map(\.id))
            if pages.count == 2 { break }
        }
        #expect(pages == [["b", "c"], ["d"]])
    }

    @Test func everyChangeIsSeenExactlyOnceWhileCommitsRace() async throws {
        let fixture = try fixture()
        let store = fixture.store
        let (batches, perBatch) = (340, 30)
        let tail = Task {
            var seen: [StoredRecord] = []
            for try await page in store.changes(in: contacts, pageSize: 250) {
                seen += page.records
                if page.records.last?.id == "end" { break }
            }
            return seen
        }
        // Two writers, so batches also commit in groups, racing with the tail's reads.
        let writers = (0..<2).map { writer in
            Task {
                for batch in stride(from: writer, to: batches, by: 2) {
                    try await store.write(saveBatch(JSONRecords((0..<perBatch).map { #"{"id":"r\#(batch * perBatch + $0)"}"# })))
                }
            }
        }
        for writer in writers { try await writer.value }
        try await store.save(#"{"id":"end"}"#)
        let seen = try await tail.value
        let stream = try store.all(limit: 10_000)
        #expect(seen.count == batches * perBatch + 1)
        #expect(seen.map(\.id) == stream.map(\.id))
        #expect(seen.map(\.metadata.cursor) == stream.map(\.metadata.cursor))
    }

    @Test func aRecordThatChangesAgainComesAgainAtTheEnd() async throws {
        let fixture = try fixture()
        let store = fixture.store
        try await store.save(#"{"id":"a","v":1}"#, #"{"id":"b"}"#)
        let tail = follow(store, pages: 2)
        await untilWaiting(store)
        try await store.save(#"{"id":"a","v":2}"#)
        #expect(try await tail.value == [["a", "b"], ["a"]])
        #expect(try store.record("a", in: contacts)?.metadata.lastAction == .updated)
    }

    @Test func cancellationEndsTheTail() async throws {
        let fixture = try fixture()
        let store = fixture.store
        try await store.save(#"{"id":"a"}"#)
        let tail = Task {
            var pages = 0
            for try await _ in store.changes(in: contacts) { pages += 1 }
            return pages
        }
        await untilWaiting(store)
        tail.cancel()
        #expect(try await tail.value == 1)
        #expect(store.commits.waiting == 0)
    }

    @Test func aCommitOfAnotherProcessIsFoundByThePeriodicCheck() async throws {
        let fixture = try fixture(checkingEvery: .milliseconds(5))
        let store = fixture.store
        try await store.save(#"{"id":"a"}"#)
        let tail = follow(store, pages: 2)
        await untilWaiting(store)
        // A commit that bypasses this store's write queue, as another process's does: no notification.
        let notified = store.commits.commits
        try store.environment.write { txn in
            var writer = BatchWriter(layout: store.layout, options: store.options)
            _ = try writer.apply(saveBatch(records(#"{"id":"b"}"#)), now: fixture.clock.now(), in: txn)
        }
        #expect(try await tail.value == [["a"], ["b"]])
        #expect(store.commits.commits == notified)
    }

    @Test func emptyingTheDatasetEndsTheTailWithAnError() async throws {
        let fixture = try fixture()
        let store = fixture.store
        try await store.save(#"{"id":"a"}"#)
        let tail = follow(store, pages: 2)
        await untilWaiting(store)
        try await store.trigger(contactsSync, reset: true, emptyCache: true)
        await #expect(throws: TidemarkError.cursorBeforeEmpty) { try await tail.value }
    }
}
