import Testing
@testable import Tidemark

@Suite("reset and reset + emptyCache (SPEC §4)")
struct ResetTests {
    /// A store where `contactsSync` saved a, b (with a checkpoint) and opened a window that is still open, and
    /// another sync wrote its own dataset.
    private func populated() async throws -> (Fixture, otherDataset: DatasetKey) {
        let fixture = try Fixture()
        let store = fixture.store
        let run = try await store.beginRun(contactsSync).runID
        try await store.save([#"{"id":"a"}"#, #"{"id":"b"}"#], run: run, checkpoint: .set(["page": .number(3)]))
        _ = try await store.finishRun(contactsSync, runID: run, outcome: .success)
        let next = try await store.beginRun(contactsSync).runID
        try await store.trackDeletesStart(contact, sync: contactsSync, runID: next)
        _ = try await store.finishRun(contactsSync, runID: next, outcome: .failure("timeout"))
        var other = Batch(connection: acme, sync: "deals")
        other.save(records(#"{"id":"d"}"#), to: ModelName("Deal"))
        try await store.write(other)
        return (fixture, DatasetKey(connection: acme, model: ModelName("Deal")))
    }

    @Test func resetKeepsRecordsAndClearsTheCheckpointAndWindows() async throws {
        let (fixture, _) = try await populated()
        let store = fixture.store
        let summary = try await store.trigger(contactsSync, reset: true)
        #expect(summary.checkpoint?.value == nil && summary.checkpoint?.version == 2)
        #expect(summary.closedWindows == ["Contact"] && summary.emptiedModels == [] && summary.interruptedRun == nil)
        #expect(try store.checkpoint(of: contactsSync) == summary.checkpoint)
        let status = try store.status(of: contactsSync)
        #expect(status.deletionWindows.isEmpty)
        #expect(status.records == ["Contact": DatasetCounts(live: 2, deleted: 0, payloadBytes: 20)])
        let run = try await store.beginRun(contactsSync)
        #expect(run.checkpoint?.value == nil && run.checkpoint?.version == 2)
        await #expect(throws: TidemarkError.noDeletionWindow(dataset: contacts.description)) {
            try await store.trackDeletesEnd(contact, sync: contactsSync, runID: run.runID)
        }
        // The cache is kept, so change detection still tells new from unchanged.
        let resaved = try await store.save([#"{"id":"a"}"#, #"{"id":"c"}"#], run: run.runID)
        #expect(resaved.unchanged == ["a"] && resaved.added == ["c"])
        #expect(try store.verify().problems == [])
    }

    @Test func resetClosesAnActiveRun() async throws {
        let (fixture, _) = try await populated()
        let store = fixture.store
        let run = try await store.beginRun(contactsSync).runID
        let summary = try await store.trigger(contactsSync, reset: true)
        #expect(summary.interruptedRun?.runID == run && summary.interruptedRun?.error == Store.resetRunError)
        #expect(try store.status(of: contactsSync).activeRun == nil)
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: run, activeRunID: nil)) {
            try await store.save([#"{"id":"z"}"#], run: run)
        }
    }

    @Test func emptyCacheHardDeletesTheSyncsDatasets() async throws {
        let (fixture, deals) = try await populated()
        let store = fixture.store
        let oldCursor = try #require(try store.lastCursor(of: contacts))
        let summary = try await store.trigger(contactsSync, reset: true, emptyCache: true)
        #expect(summary.emptiedModels == ["Contact"] && summary.purgedRecords == 2)
        #expect(try store.counts(of: contacts) == DatasetCounts())
        #expect(try store.datasets().map(\.key) == [deals])
        #expect(try store.counts(of: deals).live == 1)  // another sync's dataset is untouched
        #expect(throws: TidemarkError.cursorBeforeEmpty) {
            try store.records(in: contacts, RecordQuery(cursor: oldCursor))
        }
        #expect(try store.checkpoint(of: contactsSync)?.value == nil)
        let run = try await store.beginRun(contactsSync).runID
        let summaryAfter = try await store.save([#"{"id":"a"}"#], run: run)
        #expect(summaryAfter.added == ["a"])
        let stream = try store.all()
        #expect(stream.map(\.id) == ["a"] && stream[0].metadata.lastAction == .added)  // no DELETED events
        #expect(throws: TidemarkError.cursorBeforeEmpty) {
            try store.records(in: contacts, RecordQuery(cursor: oldCursor))
        }
        #expect(try store.status(of: contactsSync).records == ["Contact": DatasetCounts(live: 1, deleted: 0, payloadBytes: 10)])
        #expect(try store.verify().problems == [])
    }

    @Test func emptyCacheWithoutResetIsRejected() async throws {
        let (fixture, _) = try await populated()
        let store = fixture.store
        let error = await #expect(throws: TidemarkError.self) {
            try await store.trigger(contactsSync, emptyCache: true)
        }
        guard case .invalidRequest(let reason)? = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("emptyCache needs reset"))
        #expect(try store.counts(of: contacts).live == 2)
        #expect(try store.checkpoint(of: contactsSync)?.value == ["page": .number(3)])
        #expect(try store.status(of: contactsSync).deletionWindows.count == 1)
        #expect(try await store.trigger(contactsSync) == ResetSummary())
    }
}
