import Testing
@testable import Tidemark

@Suite("Full-record TTL (SPEC §5)")
struct RetentionFullRecordTTLTests {
    private let deals = DatasetKey(connection: acme, model: ModelName("Deal"))

    /// Contact and Deal written at t0; Deal saved again, unchanged, at t0 + 59 d; the clock then stands at
    /// t0 + 60 d + 1 ms: Contact has had no sync activity for longer than the 60-day TTL, Deal has.
    private func aged() async throws -> (Fixture, oldCursor: String) {
        let fixture = try Fixture { $0.retention.payloadTTL = .zero }
        let store = fixture.store
        _ = try await store.save(#"{"id":"a"}"#, #"{"id":"b","n":1}"#, #"{"id":"c"}"#)
        var batch = Batch(connection: acme)
        batch.delete(["c"], from: contact)
        try await store.write(batch)
        _ = try await store.save(#"{"id":"d1"}"#, model: deals.model)
        let oldCursor = try #require(try store.firstCursor(of: contacts))
        fixture.clock.advance(milliseconds: 59 * day)
        #expect(try await store.save(#"{"id":"d1"}"#, model: deals.model).unchanged == ["d1"])
        fixture.clock.advance(milliseconds: day + 1)
        return (fixture, oldCursor)
    }

    @Test func aStaleDatasetIsDeletedAndOneWithRecentActivityKept() async throws {
        let (fixture, _) = try await aged()
        let store = fixture.store
        let dealCounts = try store.counts(of: deals)
        #expect(try await store.runMaintenance() == MaintenanceReport(expiredDatasets: 1, purgedRecords: 3, prunedPayloads: 0))
        #expect(try store.datasets().map(\.key) == [deals])
        #expect(try store.counts(of: contacts) == DatasetCounts())
        #expect(try store.records(in: contacts).records.isEmpty)
        #expect(try store.record("a", in: contacts) == nil)
        #expect(try store.counts(of: deals) == dealCounts)
        #expect(try store.all(deals).map(\.id) == ["d1"])
        let space = try store.spaceReport()
        #expect(space.logEntries == 1)
        #expect(space.entriesAwaitingPurge == 0)
        try store.expectConsistent()
    }

    @Test func aDatasetExactlyAsOldAsTheTTLIsKept() async throws {
        let (fixture, _) = try await aged()
        fixture.clock.advance(milliseconds: -1)
        #expect(try await fixture.store.applyFullRecordTTL() == 0)
        #expect(try fixture.store.counts(of: contacts).live == 2)
    }

    @Test func cursorsOfADeletedDatasetAreRejected() async throws {
        let (fixture, oldCursor) = try await aged()
        let store = fixture.store
        #expect(try await store.applyFullRecordTTL() == 1)
        #expect(throws: TidemarkError.cursorBeforeEmpty) { try store.records(in: contacts, RecordQuery(cursor: oldCursor)) }
        try await store.purgeEmptiedDatasets()
        #expect(throws: TidemarkError.cursorBeforeEmpty) { try store.records(in: contacts, RecordQuery(cursor: oldCursor)) }
        await #expect(throws: TidemarkError.cursorBeforeEmpty) { try await store.prune(contacts, upTo: oldCursor) }

        // The next write starts the dataset afresh; the old cursor stays rejected.
        #expect(try await store.save(#"{"id":"a"}"#).added == ["a"])
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 1, deleted: 0, payloadBytes: 10))
        #expect(throws: TidemarkError.cursorBeforeEmpty) { try store.records(in: contacts, RecordQuery(cursor: oldCursor)) }
        try store.expectConsistent()
    }

    @Test func aStaleDatasetIsRetiredEvenWhenTheCatalogIsWalkedInSmallSteps() async throws {
        let fixture = try Fixture { $0.retention.recordsPerTransaction = 2 }
        let store = fixture.store
        let models = (0..<5).map { ModelName("M\($0)") }
        for model in models { _ = try await store.save(#"{"id":"x"}"#, model: model) }
        fixture.clock.advance(milliseconds: 30 * day)
        _ = try await store.save(#"{"id":"x","v":2}"#, model: models[3])
        fixture.clock.advance(milliseconds: 31 * day)
        #expect(try await store.applyFullRecordTTL() == 4)
        #expect(try store.datasets().map(\.key.model) == [models[3]])
    }

    @Test func zeroTurnsTheFullRecordTTLOff() async throws {
        let fixture = try Fixture { $0.retention.fullRecordTTL = .zero }
        _ = try await fixture.store.save(#"{"id":"a"}"#)
        fixture.clock.advance(milliseconds: 1_000 * day)
        #expect(try await fixture.store.applyFullRecordTTL() == 0)
        #expect(try fixture.store.counts(of: contacts).live == 1)
    }
}
