import Testing
@testable import Tidemark

@Suite("Deletes and updates (SPEC §2.2, §2.3)")
struct DeleteUpdateTests {
    private func delete(_ ids: [String], in store: Store) async throws -> ModelSummary {
        var batch = Batch(connection: acme)
        batch.delete(ids, from: contact)
        return try await store.write(batch).models["Contact"] ?? ModelSummary()
    }

    private func update(_ texts: String..., in store: Store) async throws -> ModelSummary {
        var batch = Batch(connection: acme)
        batch.update(JSONRecords(texts), in: contact)
        return try await store.write(batch).models["Contact"] ?? ModelSummary()
    }

    @Test func deleteKeepsThePayloadAndMovesToTheEnd() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","name":"Alice"}"#, #"{"id":"b"}"#)
        fixture.clock.advance(milliseconds: 10)
        let summary = try await delete(["a"], in: fixture.store)
        #expect(summary.deleted == ["a"])
        let all = try fixture.store.all()
        #expect(all.map(\.id) == ["b", "a"])
        #expect(all[1].metadata.lastAction == .deleted)
        #expect(all[1].metadata.deletedAt == fixture.clock.now())
        #expect(all[1].payloadText == #"{"id":"a","name":"Alice"}"#)
    }

    @Test func deletingTwiceIsUnchangedAndEmitsNothing() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        _ = try await delete(["a"], in: fixture.store)
        let cursor = try fixture.store.lastCursor(of: contacts)
        let summary = try await delete(["a"], in: fixture.store)
        #expect(summary.unchanged == ["a"] && summary.deleted.isEmpty)
        #expect(try fixture.store.lastCursor(of: contacts) == cursor)
        #expect(try fixture.store.records(in: contacts, RecordQuery(cursor: cursor)).records.isEmpty)
    }

    @Test func deletingAnUnknownIDCreatesNothing() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        let summary = try await delete(["zzz"], in: fixture.store)
        #expect(summary.unknown == ["zzz"])
        #expect(try fixture.store.all().map(\.id) == ["a"])
        #expect(try fixture.store.counts(of: contacts) == DatasetCounts(live: 1, deleted: 0, payloadBytes: 10))
    }

    @Test func resavingADeletedRecordAddsItAgain() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","v":1}"#)
        fixture.clock.advance(milliseconds: 100)
        _ = try await delete(["a"], in: fixture.store)
        fixture.clock.advance(milliseconds: 100)
        let summary = try await fixture.store.save(#"{"id":"a","v":1}"#)
        #expect(summary.added == ["a"])
        let record = try #require(try fixture.store.record("a", in: contacts))
        #expect(record.metadata.lastAction == .added)
        #expect(record.metadata.firstSeenAt == fixture.clock.now())
        #expect(record.metadata.deletedAt == nil)
        #expect(try fixture.store.counts(of: contacts).live == 1)
        #expect(try fixture.store.counts(of: contacts).deleted == 0)
    }

    @Test func updateDeepMergesAndStoresTheMergedHash() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","name":"A","address":{"city":"Oslo","zip":"0150"},"tags":[1,2]}"#)
        let summary = try await update(#"{"id":"a","address":{"city":"Bergen"},"tags":[3]}"#, in: fixture.store)
        #expect(summary.updated == ["a"])
        let record = try #require(try fixture.store.record("a", in: contacts))
        #expect(record.payloadText == #"{"address":{"city":"Bergen","zip":"0150"},"id":"a","name":"A","tags":[3]}"#)
        #expect(record.metadata.lastAction == .updated)
        // Saving the merged result in full is unchanged: the stored hash is the merged payload's.
        let resave = try await fixture.store.save(#"{"id":"a","name":"A","address":{"city":"Bergen","zip":"0150"},"tags":[3]}"#)
        #expect(resave.unchanged == ["a"])
    }

    @Test func updateThatChangesNothingIsUnchanged() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","name":"A"}"#)
        let cursor = try fixture.store.lastCursor(of: contacts)
        let summary = try await update(#"{"id":"a","name":"A"}"#, in: fixture.store)
        #expect(summary.unchanged == ["a"])
        #expect(try fixture.store.lastCursor(of: contacts) == cursor)
    }

    @Test func updatesOfUnknownOrDeletedIDsAreReported() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#, #"{"id":"b"}"#)
        _ = try await delete(["b"], in: fixture.store)
        let summary = try await update(#"{"id":"b","x":1}"#, #"{"id":"c","x":1}"#, in: fixture.store)
        #expect(summary.unknown == ["b", "c"])
        #expect(try fixture.store.record("c", in: contacts) == nil)
        #expect(try fixture.store.record("b", in: contacts)?.payloadText == #"{"id":"b"}"#)
    }

    @Test func batchAppliesSavesThenUpdatesThenDeletes() async throws {
        let fixture = try Fixture()
        var batch = Batch(connection: acme)
        batch.changes = [ModelChanges(model: contact, saves: records(#"{"id":"a","n":1}"#, #"{"id":"b"}"#),
                                      updates: records(#"{"id":"a","n":2}"#), deletes: ["b"])]
        let summary = try await fixture.store.write(batch).models["Contact"]
        #expect(summary?.added == ["a", "b"])
        #expect(summary?.updated == ["a"])
        #expect(summary?.deleted == ["b"])
        #expect(try fixture.store.all().map(\.id) == ["a", "b"])
        #expect(try fixture.store.record("a", in: contacts)?.payloadText == #"{"id":"a","n":2}"#)
    }
}
