import LMDB
import Testing
@testable import Tidemark

@Suite("Deletion windows: trackDeletesStart / trackDeletesEnd (SPEC §4)")
struct DeleteWindowTests {
    /// A store whose `Contact` dataset holds `ids`, saved by a finished first run.
    private func populated(_ ids: [String]) async throws -> Fixture {
        let fixture = try Fixture()
        let run = try await fixture.store.beginRun(contactsSync).runID
        try await fixture.store.save(ids.map { #"{"id":"\#($0)"}"# }, run: run)
        _ = try await fixture.store.finishRun(contactsSync, runID: run, outcome: .success)
        return fixture
    }

    private func ids(_ list: String...) -> [String] { list.map { #"{"id":"\#($0)"}"# } }

    /// Begins a run of `contactsSync` and opens a deletion window on `Contact` in it; returns the run id.
    private func runWithWindow(_ store: Store) async throws -> String {
        let run = try await store.beginRun(contactsSync).runID
        try await store.trackDeletesStart(contact, sync: contactsSync, runID: run)
        return run
    }

    @Test func aWindowInOneRunDeletesWhatWasNotSaved() async throws {
        let fixture = try await populated(["a", "b", "c", "d"])
        let store = fixture.store
        let run = try await runWithWindow(store)
        #expect(try store.status(of: contactsSync).deletionWindows == ["Contact": fixture.clock.now()])
        try await store.save(ids("a", "c", "e"), run: run)
        fixture.clock.advance(milliseconds: 10)
        let deleted = try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run)
        #expect(deleted == ["b", "d"])
        let report = try await store.finishRun(contactsSync, runID: run, outcome: .success)
        #expect(report.models == ["Contact": RunCounts(added: 1, updated: 0, deleted: 2)])
        let stream = try store.all()
        #expect(stream.map(\.id) == ["a", "c", "e", "b", "d"])  // deletions move to the end, like any delete
        #expect(stream.suffix(2).allSatisfy { $0.metadata.lastAction == .deleted && $0.metadata.deletedAt == fixture.clock.now() })
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 3, deleted: 2, payloadBytes: 50))
        #expect(try store.status(of: contactsSync).deletionWindows.isEmpty)
        #expect(try store.verify().problems == [])
    }

    @Test func aRecordSavedUnchangedOrChangedInsideTheWindowSurvives() async throws {
        let fixture = try await populated(["a", "b", "c"])
        let store = fixture.store
        let run = try await runWithWindow(store)
        let summary = try await store.save([#"{"id":"a"}"#, #"{"id":"b","v":2}"#], run: run)
        #expect(summary.unchanged == ["a"] && summary.updated == ["b"])
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run) == ["c"])
        #expect(try store.record("a", in: contacts)?.metadata.lastAction == .added)
        #expect(try store.record("b", in: contacts)?.metadata.lastAction == .updated)
        #expect(try store.verify().problems == [])
    }

    @Test func aWindowStaysOpenAcrossAnInterruptedRun() async throws {
        let fixture = try await populated(["a", "b", "c"])
        let store = fixture.store
        let first = try await runWithWindow(store)
        let openedAt = fixture.clock.now()
        try await store.save(ids("a"), run: first)
        fixture.clock.advance(milliseconds: 100)
        let second = try await store.beginRun(contactsSync)  // the first run's process died
        #expect(second.interruptedRun?.models == ["Contact": RunCounts()])
        try await store.trackDeletesStart(contact, sync: contactsSync, runID: second.runID)
        #expect(try store.status(of: contactsSync).deletionWindows == ["Contact": openedAt])  // the original start
        try await store.save(ids("b"), run: second.runID)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: second.runID) == ["c"])
        let report = try await store.finishRun(contactsSync, runID: second.runID, outcome: .success)
        #expect(report.models == ["Contact": RunCounts(deleted: 1)])
    }

    @Test func aFailedRunDeletesNothing() async throws {
        let fixture = try await populated(["a", "b", "c"])
        let store = fixture.store
        let first = try await runWithWindow(store)
        try await store.save(ids("a"), run: first)
        let failed = try await store.finishRun(contactsSync, runID: first, outcome: .failure("rate limited"))
        #expect(failed.models == ["Contact": RunCounts()])
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: first, activeRunID: nil)) {
            try await store.trackDeletesEnd(contact, sync: contactsSync, runID: first)
        }
        #expect(try store.counts(of: contacts).live == 3)
        #expect(try store.status(of: contactsSync).deletionWindows.count == 1)
        let second = try await runWithWindow(store)
        try await store.save(ids("b"), run: second)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: second) == ["c"])
        #expect(try store.verify().problems == [])
    }

    @Test func endWithoutStartIsAnError() async throws {
        let fixture = try await populated(["a"])
        let store = fixture.store
        let run = try await store.beginRun(contactsSync).runID
        await #expect(throws: TidemarkError.noDeletionWindow(dataset: contacts.description)) {
            try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run)
        }
        let never = ModelName("Never")
        await #expect(throws: TidemarkError.noDeletionWindow(dataset: DatasetKey(connection: acme, model: never).description)) {
            try await store.trackDeletesEnd(never, sync: contactsSync, runID: run)
        }
        try await store.trackDeletesStart(contact, sync: contactsSync, runID: run)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run) == ["a"])
        await #expect(throws: TidemarkError.noDeletionWindow(dataset: contacts.description)) {
            try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run)  // the window closed
        }
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 0, deleted: 1, payloadBytes: 10))
    }

    @Test func anInterruptedEndIsFinishedByTheNextWithTheSameResult() async throws {
        let all = (0..<60).map { String(format: "r%02d", $0) }
        let kept = Set(all.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        let expected = all.filter { !kept.contains($0) }
        let fixture = try await populated(all)
        let first = try await runWithWindow(fixture.store)
        try await fixture.store.save(kept.sorted().map { #"{"id":"\#($0)"}"# }, run: first)
        // One bounded step of the End, then the process dies.
        #expect(try await fixture.store.endDeletionWindowStep(contact, sync: contactsSync, runID: first, limit: 25) == nil)
        #expect(try fixture.store.counts(of: contacts).deleted == 16)  // r00…r24, less the 9 kept
        try fixture.reopen()
        let store = fixture.store
        #expect(try store.status(of: contactsSync).deletionWindows.count == 1)
        let second = try await runWithWindow(store)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: second) == expected)
        let report = try await store.finishRun(contactsSync, runID: second, outcome: .success)
        #expect(report.models == ["Contact": RunCounts(deleted: Int64(expected.count))])
        #expect(try store.counts(of: contacts).live == Int64(kept.count))
        #expect(try store.all(query: RecordQuery(filter: [.deleted])).map(\.id).sorted() == expected)
        // The noted ids were cleared with the window: a new window starts from nothing.
        #expect(try store.read { txn in try store.layout.deletionWindows.entries(in: txn) } == 1)
        #expect(try store.verify().problems == [])
    }

    @Test func anEndOverManyStepsMatchesOneStep() async throws {
        let all = (0..<40).map { String(format: "r%02d", $0) }
        let fixture = try await populated(all)
        let store = fixture.store
        let run = try await runWithWindow(store)
        try await store.save(all.filter { $0.hasSuffix("7") }.map { #"{"id":"\#($0)"}"# }, run: run)
        var steps = 1
        var deleted = try await store.endDeletionWindowStep(contact, sync: contactsSync, runID: run, limit: 3)
        while deleted == nil {
            steps += 1
            deleted = try await store.endDeletionWindowStep(contact, sync: contactsSync, runID: run, limit: 3)
        }
        #expect(steps == 14)
        #expect(deleted == all.filter { !$0.hasSuffix("7") })
        let report = try await store.finishRun(contactsSync, runID: run, outcome: .success)
        #expect(report.models == ["Contact": RunCounts(deleted: 36)])
        #expect(try store.verify().problems == [])
    }

    @Test func aNewWindowDoesNotCountWhatAnOlderWindowSaw() async throws {
        let fixture = try await populated(["a", "b"])
        let store = fixture.store
        let first = try await runWithWindow(store)
        try await store.save(ids("a", "b"), run: first)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: first) == [])
        _ = try await store.finishRun(contactsSync, runID: first, outcome: .success)
        let second = try await runWithWindow(store)
        try await store.save(ids("b"), run: second)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: second) == ["a"])
    }

    @Test func startOnANewModelCreatesAnEmptyDatasetOfTheSync() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let run = try await runWithWindow(store)
        #expect(try store.status(of: contactsSync).records == ["Contact": DatasetCounts()])
        try await store.save(ids("a"), run: run)
        #expect(try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run) == [])
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: "9", activeRunID: run)) {
            try await store.trackDeletesStart(contact, sync: contactsSync, runID: "9")
        }
    }
}

extension Database {
    /// The number of entries of this database, as `txn` sees it.
    func entries(in txn: borrowing Transaction) throws -> Int {
        try txn.statistics(of: self).entries
    }
}
