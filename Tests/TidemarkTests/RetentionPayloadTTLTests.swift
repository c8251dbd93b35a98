import Testing
@testable import Tidemark

/// One day in milliseconds, for moving the ``ManualClock``.
let day: Int64 = 86_400_000

extension Store {
    /// The ids of `dataset`'s records whose payload is pruned, in stream order.
    func prunedIDs(_ dataset: DatasetKey = contacts) throws -> [String] {
        try all(dataset).filter { $0.metadata.prunedAt != nil }.map(\.id)
    }

    /// Fails the test when ``verify()`` finds the view and the log disagree.
    func expectConsistent(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try verify()
        #expect(report.isConsistent, "\(report.problems)", sourceLocation: sourceLocation)
    }
}

@Suite("Payload TTL (SPEC §5)")
struct RetentionPayloadTTLTests {
    /// a and b saved at t0, b updated at t0 + 5 d, c saved at t0 + 10 d; the clock then stands at t0 + 30 d + 1 ms, so
    /// a is past the 30-day TTL while b and c are not.
    private func aged() async throws -> Fixture {
        let fixture = try Fixture()
        _ = try await fixture.store.save(#"{"id":"a","name":"Alice"}"#, #"{"id":"b","name":"Bob"}"#)
        fixture.clock.advance(milliseconds: 5 * day)
        _ = try await fixture.store.save(#"{"id":"b","name":"Bobby"}"#)
        fixture.clock.advance(milliseconds: 5 * day)
        _ = try await fixture.store.save(#"{"id":"c","name":"Carol"}"#)
        fixture.clock.advance(milliseconds: 20 * day + 1)
        return fixture
    }

    @Test func staleRecordsArePrunedFreshOnesNotAndCountsStayExact() async throws {
        let fixture = try await aged()
        let store = fixture.store
        let before = try store.counts(of: contacts)
        #expect(before == DatasetCounts(live: 3, deleted: 0, payloadBytes: 75))
        #expect(try await store.applyPayloadTTL() == 1)
        #expect(try store.prunedIDs() == ["a"])
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 3, deleted: 0, payloadBytes: 50))
        try store.expectConsistent()

        fixture.clock.advance(milliseconds: 5 * day)  // b is now 30 d + 1 ms old; c is 25 d old
        #expect(try await store.applyPayloadTTL() == 1)
        #expect(try store.prunedIDs() == ["a", "b"])
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 3, deleted: 0, payloadBytes: 25))
        try store.expectConsistent()
    }

    @Test func aRecordExactlyAsOldAsTheTTLIsKept() async throws {
        let fixture = try await aged()
        fixture.clock.advance(milliseconds: -1)  // a is exactly 30 days old: not older than the TTL
        #expect(try await fixture.store.applyPayloadTTL() == 0)
        #expect(try fixture.store.prunedIDs() == [])
    }

    @Test func alreadyPrunedRecordsAreNotTouchedAgain() async throws {
        let fixture = try await aged()
        let store = fixture.store
        #expect(try await store.applyPayloadTTL() == 1)
        let pruned = try #require(try store.record("a", in: contacts))
        fixture.clock.advance(milliseconds: day)
        #expect(try await store.applyPayloadTTL() == 0)
        #expect(try store.record("a", in: contacts) == pruned)  // same pruned_at
        #expect(try store.counts(of: contacts).payloadBytes == 50)
    }

    @Test func aPrunedRecordReadsAsItsIDWithItsMetadata() async throws {
        let fixture = try await aged()
        let store = fixture.store
        let stream = try store.all()
        fixture.clock.advance(milliseconds: 5 * day)
        #expect(try await store.applyPayloadTTL() == 2)
        let prunedAt = fixture.clock.now()
        let after = try store.all()
        #expect(after.map(\.id) == stream.map(\.id))
        #expect(after.map(\.metadata.cursor) == stream.map(\.metadata.cursor))
        let b = try #require(after.first { $0.id == "b" })
        #expect(b.payloadText == #"{"id":"b"}"#)
        #expect(b.metadata == RecordMetadata(firstSeenAt: stream[1].metadata.firstSeenAt, lastModifiedAt: stream[1].metadata.lastModifiedAt,
                                             lastAction: .updated, deletedAt: nil, prunedAt: prunedAt, position: stream[1].metadata.position))
        let a = after[0]
        let seen = a.metadata.firstSeenAt.description
        #expect(String(decoding: a.json, as: UTF8.self) ==
            #"{"id":"a","_nango_metadata":{"first_seen_at":"\#(seen)","last_modified_at":"\#(seen)","last_action":"ADDED","deleted_at":null,"pruned_at":"\#(prunedAt)","cursor":"\#(a.metadata.cursor)"}}"#)
        #expect(try store.lastCursor(of: contacts) == stream.last?.metadata.cursor)
    }

    @Test func savingTheSamePayloadRestoresItSilently() async throws {
        let fixture = try await aged()
        let store = fixture.store
        #expect(try await store.applyPayloadTTL() == 1)
        let pruned = try #require(try store.record("a", in: contacts))
        let last = try store.lastCursor(of: contacts)

        let summary = try await store.save(#"{"name":"Alice","id":"a"}"#)
        #expect(summary.unchanged == ["a"])
        #expect(summary.added.isEmpty && summary.updated.isEmpty)
        let restored = try #require(try store.record("a", in: contacts))
        #expect(restored.payloadText == #"{"id":"a","name":"Alice"}"#)
        var expected = pruned.metadata
        expected.prunedAt = nil
        #expect(restored.metadata == expected)  // same cursor, same last_modified_at and last_action
        #expect(try store.lastCursor(of: contacts) == last)
        #expect(try store.counts(of: contacts).payloadBytes == 75)
        try store.expectConsistent()

        // Restored but still not updated for longer than the TTL: the next pass prunes it again.
        #expect(try await store.applyPayloadTTL() == 1)
        #expect(try store.prunedIDs() == ["a"])
        try store.expectConsistent()
    }

    @Test func aDifferentPayloadIsAnUpdate() async throws {
        let fixture = try await aged()
        let store = fixture.store
        #expect(try await store.applyPayloadTTL() == 1)
        let pruned = try #require(try store.record("a", in: contacts))

        let summary = try await store.save(#"{"id":"a","name":"Alicia"}"#)
        #expect(summary.updated == ["a"])
        let updated = try #require(try store.record("a", in: contacts))
        #expect(updated.payloadText == #"{"id":"a","name":"Alicia"}"#)
        #expect(updated.metadata.lastAction == .updated)
        #expect(updated.metadata.prunedAt == nil)
        #expect(updated.metadata.firstSeenAt == pruned.metadata.firstSeenAt)
        #expect(updated.metadata.lastModifiedAt == fixture.clock.now())
        #expect(try store.lastCursor(of: contacts) == updated.metadata.cursor)
        #expect(try store.all().map(\.id) == ["b", "c", "a"])
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 3, deleted: 0, payloadBytes: 26 + 25 + 25))
        try store.expectConsistent()
    }

    @Test func staleDeletedRecordsArePrunedAndStayDeleted() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        _ = try await store.save(#"{"id":"a","n":1}"#, #"{"id":"b","n":2}"#)
        var batch = Batch(connection: acme)
        batch.delete(["a"], from: contact)
        try await store.write(batch)
        fixture.clock.advance(milliseconds: 31 * day)
        #expect(try await store.applyPayloadTTL() == 2)
        let a = try #require(try store.record("a", in: contacts))
        #expect(a.metadata.lastAction == .deleted)
        #expect(a.metadata.deletedAt != nil)
        #expect(a.payloadText == #"{"id":"a"}"#)
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 1, deleted: 1, payloadBytes: 0))
        try store.expectConsistent()
    }

    @Test func aModelMayOverrideTheTTLOrTurnItOff() async throws {
        let deal = ModelName("Deal")
        let euDeal = ModelName("Deal", variant: "eu")
        let fixture = try Fixture {
            $0.retention.modelPayloadTTLs = ["Contact": .zero, "Deal": .seconds(2 * 86_400), "Deal::eu": .seconds(10 * 86_400)]
        }
        let store = fixture.store
        for model in [contact, deal, euDeal] { _ = try await store.save(#"{"id":"x"}"#, model: model) }
        fixture.clock.advance(milliseconds: 100 * day)
        _ = try await store.save(#"{"id":"y"}"#, model: euDeal)
        fixture.clock.advance(milliseconds: 5 * day)
        #expect(try await store.applyPayloadTTL() == 2)
        #expect(try store.prunedIDs(contacts) == [])
        #expect(try store.prunedIDs(DatasetKey(connection: acme, model: deal)) == ["x"])
        #expect(try store.prunedIDs(DatasetKey(connection: acme, model: euDeal)) == ["x"])
        #expect(fixture.options.retention.payloadTTL(for: ModelName("Other")) == .seconds(30 * 86_400))
    }

    @Test func zeroTurnsThePayloadTTLOff() async throws {
        let fixture = try Fixture { $0.retention.payloadTTL = .zero }
        _ = try await fixture.store.save(#"{"id":"a"}"#)
        fixture.clock.advance(milliseconds: 1_000 * day)
        #expect(try await fixture.store.applyPayloadTTL() == 0)
        #expect(try fixture.store.prunedIDs() == [])
    }

    @Test func aNegativeTTLIsRejected() async throws {
        let fixture = try Fixture { $0.retention.modelPayloadTTLs = ["Contact": .seconds(-1)] }
        await #expect(throws: TidemarkError.invalidRequest(
            #"StoreOptions.retention.modelPayloadTTLs["Contact"] is negative (-1.0 seconds); use a positive duration, or zero to turn it off"#)) {
            try await fixture.store.applyPayloadTTL()
        }
    }

    @Test func anExplicitCutoffPrunesWhatIsOlder() async throws {
        let fixture = try await aged()
        let store = fixture.store
        let c = try #require(try store.record("c", in: contacts))
        #expect(try await store.prunePayloads(olderThan: c.metadata.lastModifiedAt) == 2)
        #expect(try store.prunedIDs() == ["a", "b"])
        #expect(try await store.prunePayloads(olderThan: c.metadata.lastModifiedAt.adding(milliseconds: 1)) == 1)
        #expect(try store.counts(of: contacts).payloadBytes == 0)
        try store.expectConsistent()
    }

    @Test func smallTransactionsPruneTheSameRecords() async throws {
        let fixture = try Fixture { $0.retention.recordsPerTransaction = 2 }
        let store = fixture.store
        try await store.write(saveBatch(JSONRecords((0..<7).map { #"{"id":"r\#($0)"}"# })))
        fixture.clock.advance(milliseconds: 10 * day)
        _ = try await store.save(#"{"id":"fresh"}"#)
        fixture.clock.advance(milliseconds: 21 * day)
        #expect(try await store.applyPayloadTTL() == 7)
        #expect(try store.prunedIDs() == (0..<7).map { "r\($0)" })
        #expect(try store.counts(of: contacts) == DatasetCounts(live: 8, deleted: 0, payloadBytes: 14))
        try store.expectConsistent()
    }
}
