import Testing
@testable import Tidemark

@Suite("Prune up to a cursor (SPEC §5, PATCH /records/prune)")
struct RetentionPruneTests {
    /// r0…r9 saved in one batch; returns the fixture and the stream's cursors.
    private func tenRecords(configure: (inout StoreOptions) -> Void = { _ in }) async throws -> (Fixture, [String]) {
        let fixture = try Fixture(configure: configure)
        try await fixture.store.write(saveBatch(JSONRecords((0..<10).map { #"{"id":"r\#($0)"}"# })))
        return (fixture, try fixture.store.all().map(\.metadata.cursor))
    }

    @Test func prunesOldestFirstUpToTheLimitAndSaysWhetherMoreRemain() async throws {
        let (fixture, cursors) = try await tenRecords()
        let store = fixture.store
        #expect(try await store.prune(contacts, upTo: cursors[6], limit: 3) == PruneResult(count: 3, hasMore: true))
        #expect(try store.prunedIDs() == ["r0", "r1", "r2"])
        #expect(try await store.prune(contacts, upTo: cursors[6], limit: 3) == PruneResult(count: 3, hasMore: true))
        #expect(try await store.prune(contacts, upTo: cursors[6], limit: 3) == PruneResult(count: 1, hasMore: false))
        #expect(try await store.prune(contacts, upTo: cursors[6], limit: 3) == PruneResult(count: 0, hasMore: false))
        #expect(try store.prunedIDs() == (0...6).map { "r\($0)" })
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 10, deleted: 0, payloadBytes: 3 * 11))
        #expect(try store.all().map(\.metadata.cursor) == cursors)
        try store.expectConsistent()
    }

    @Test func aLimitThatTakesTheLastOneLeavesNothingMore() async throws {
        let (fixture, cursors) = try await tenRecords()
        #expect(try await fixture.store.prune(contacts, upTo: cursors[4], limit: 5) == PruneResult(count: 5, hasMore: false))
    }

    @Test func alreadyPrunedRecordsAreSkippedAndDeletedOnesPruned() async throws {
        let (fixture, cursors) = try await tenRecords()
        let store = fixture.store
        #expect(try await store.prune(contacts, upTo: cursors[1], limit: 10) == PruneResult(count: 2, hasMore: false))
        var batch = Batch(connection: acme)
        batch.delete(["r5"], from: contact)
        try await store.write(batch)
        let last = try #require(try store.lastCursor(of: contacts))
        #expect(try await store.prune(contacts, upTo: last, limit: 100) == PruneResult(count: 8, hasMore: false))
        #expect(try store.prunedIDs().count == 10)
        let r5 = try #require(try store.record("r5", in: contacts))
        #expect(r5.metadata.lastAction == .deleted)
        #expect(r5.metadata.cursor == last)
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 9, deleted: 1, payloadBytes: 0))
        try store.expectConsistent()
    }

    @Test func aRecordUpdatedAfterTheCursorIsUntouched() async throws {
        let (fixture, cursors) = try await tenRecords()
        let store = fixture.store
        _ = try await store.save(#"{"id":"r1","v":2}"#)
        #expect(try await store.prune(contacts, upTo: cursors[2], limit: 100) == PruneResult(count: 2, hasMore: false))
        #expect(try store.prunedIDs() == ["r0", "r2"])
        #expect(try store.record("r1", in: contacts)?.payloadText == #"{"id":"r1","v":2}"#)
        try store.expectConsistent()
    }

    @Test func aCursorAtAMovedRecordStillBoundsThePrune() async throws {
        let (fixture, cursors) = try await tenRecords()
        let store = fixture.store
        _ = try await store.save(#"{"id":"r3","v":2}"#)  // r3 leaves position 3; the cursor still names it
        #expect(try await store.prune(contacts, upTo: cursors[3], limit: 100) == PruneResult(count: 3, hasMore: false))
        #expect(try store.prunedIDs() == ["r0", "r1", "r2"])
    }

    @Test func smallTransactionsGiveTheSameResult() async throws {
        let (fixture, cursors) = try await tenRecords { $0.retention.recordsPerTransaction = 2 }
        let store = fixture.store
        #expect(try await store.prune(contacts, upTo: cursors[8], limit: 5) == PruneResult(count: 5, hasMore: true))
        #expect(try await store.prune(contacts, upTo: cursors[8], limit: 5) == PruneResult(count: 4, hasMore: false))
        #expect(try store.prunedIDs() == (0...8).map { "r\($0)" })
        try store.expectConsistent()
    }

    @Test func badCursorsAndLimitsAreRejected() async throws {
        let (fixture, cursors) = try await tenRecords()
        let store = fixture.store
        _ = try await store.save(#"{"id":"x"}"#, model: ModelName("Deal"))
        let dealCursor = try #require(try store.firstCursor(of: DatasetKey(connection: acme, model: ModelName("Deal"))))
        await #expect(throws: TidemarkError.malformedCursor) { try await store.prune(contacts, upTo: "nope", limit: 10) }
        await #expect(throws: TidemarkError.cursorFromAnotherDataset) { try await store.prune(contacts, upTo: dealCursor, limit: 10) }
        for limit in [0, 10_001] {
            await #expect(throws: TidemarkError.invalidQuery("limit must be between 1 and 10000, not \(limit)")) {
                try await store.prune(contacts, upTo: cursors[0], limit: limit)
            }
        }
        #expect(try store.prunedIDs() == [])
    }
}
