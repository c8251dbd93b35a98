import Testing
@testable import Tidemark

@Suite("Saves (SPEC §2.1)")
struct SaveTests {
    @Test func newRecordsAreAddedInBatchOrder() async throws {
        let fixture = try Fixture()
        let summary = try await fixture.store.save(#"{"id":"b","name":"Bob"}"#, #"{"id":"a","name":"Alice"}"#)
        #expect(summary.added == ["b", "a"])
        let all = try fixture.store.all()
        #expect(all.map(\.id) == ["b", "a"])
        #expect(all.map(\.metadata.lastAction) == [.added, .added])
        #expect(all[0].payloadText == #"{"id":"b","name":"Bob"}"#)
        #expect(all[0].metadata.firstSeenAt == fixture.clock.now())
        #expect(all[0].metadata.deletedAt == nil)
    }

    @Test func sameContentIsUnchangedAndDoesNotMove() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","n":1}"#, #"{"id":"b","n":2}"#)
        let before = try fixture.store.all()
        fixture.clock.advance(milliseconds: 1000)
        let summary = try await fixture.store.save(#"{ "n" : 1, "id" : "a" }"#)
        #expect(summary.unchanged == ["a"])
        #expect(summary.added.isEmpty && summary.updated.isEmpty)
        #expect(try fixture.store.all() == before)
    }

    @Test func changedPayloadIsUpdatedAndMovesToTheEnd() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","n":1}"#, #"{"id":"b","n":2}"#)
        let firstSeen = fixture.clock.now()
        fixture.clock.advance(milliseconds: 5000)
        let summary = try await fixture.store.save(#"{"id":"a","n":10}"#)
        #expect(summary.updated == ["a"])
        let all = try fixture.store.all()
        #expect(all.map(\.id) == ["b", "a"])
        #expect(all[1].metadata.lastAction == .updated)
        #expect(all[1].metadata.firstSeenAt == firstSeen)
        #expect(all[1].metadata.lastModifiedAt == firstSeen.adding(milliseconds: 5000))
        #expect(all[1].payloadText == #"{"id":"a","n":10}"#)
    }

    @Test func excludedFieldsDoNotCountAsChanges() async throws {
        let fixture = try Fixture { $0.hashExclusions = ["Contact": ["fetched_at"]] }
        try await fixture.store.save(#"{"id":"a","n":1,"fetched_at":"2024-01-01"}"#)
        let summary = try await fixture.store.save(#"{"id":"a","n":1,"fetched_at":"2024-02-02"}"#)
        #expect(summary.unchanged == ["a"])
        let changed = try await fixture.store.save(#"{"id":"a","n":2,"fetched_at":"2024-02-02"}"#)
        #expect(changed.updated == ["a"])
        #expect(try fixture.store.record("a", in: contacts)?.payloadText == #"{"fetched_at":"2024-02-02","id":"a","n":2}"#)
    }

    @Test func duplicatesInOneBatchKeepTheFirst() async throws {
        let fixture = try Fixture()
        let summary = try await fixture.store.save(#"{"id":"a","v":1}"#, #"{"id":"a","v":2}"#, #"{"id":"b"}"#, #"{"id":"a","v":3}"#)
        #expect(summary.added == ["a", "b"])
        #expect(summary.nonUnique == ["a", "a"])
        #expect(try fixture.store.record("a", in: contacts)?.payloadText == #"{"id":"a","v":1}"#)
    }

    @Test func numericIDsBecomeStrings() async throws {
        let fixture = try Fixture()
        let summary = try await fixture.store.save(#"{"id":42,"n":1}"#)
        #expect(summary.added == ["42"])
        #expect(try fixture.store.record("42", in: contacts)?.payloadText == #"{"id":"42","n":1}"#)
        let again = try await fixture.store.save(#"{"id":"42","n":1}"#)
        #expect(again.unchanged == ["42"])
    }

    @Test func modelsAndVariantsAreSeparateDatasets() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        let eu = ModelName("Contact", variant: "eu")
        let summary = try await fixture.store.save(#"{"id":"a"}"#, model: eu)
        #expect(summary.added == ["a"])
        #expect(try fixture.store.all(DatasetKey(connection: acme, model: eu)).count == 1)
        #expect(try fixture.store.all(DatasetKey(connection: acme, model: ModelName("Contact", variant: "base"))).count == 1)
        let other = DatasetKey(connection: ConnectionKey(integrationID: "crm", connectionID: "globex"), model: contact)
        #expect(try fixture.store.all(other).isEmpty)
    }

    @Test func countsStayExact() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","n":1}"#, #"{"id":"b","n":22}"#)
        var counts = try fixture.store.counts(of: contacts)
        #expect(counts == DatasetCounts(live: 2, deleted: 0, payloadBytes: Int64(#"{"id":"a","n":1}"#.utf8.count + #"{"id":"b","n":22}"#.utf8.count)))
        try await fixture.store.save(#"{"id":"a","n":100}"#)
        var batch = Batch(connection: acme)
        batch.delete(["b"], from: contact)
        try await fixture.store.write(batch)
        counts = try fixture.store.counts(of: contacts)
        #expect(counts == DatasetCounts(live: 1, deleted: 1, payloadBytes: Int64(#"{"id":"a","n":100}"#.utf8.count + #"{"id":"b","n":22}"#.utf8.count)))
    }

    @Test func timestampsNeverGoBackwards() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","n":1}"#)
        let first = try #require(try fixture.store.record("a", in: contacts)).metadata.lastModifiedAt
        fixture.clock.set(first.adding(milliseconds: -60_000))
        try await fixture.store.save(#"{"id":"a","n":2}"#)
        let second = try #require(try fixture.store.record("a", in: contacts)).metadata.lastModifiedAt
        #expect(second >= first)
    }
}
