import Testing
@testable import Tidemark

@Suite("verify: the view rebuilt from the log")
struct VerificationTests {
    private func populated() async throws -> Fixture {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a","n":1}"#, #"{"id":"b"}"#, #"{"id":"c"}"#)
        try await fixture.store.save(#"{"id":"a","n":2}"#)
        var batch = Batch(connection: acme)
        batch.delete(["b"], from: contact)
        batch.update(records(#"{"id":"c","x":[1]}"#), in: contact)
        try await fixture.store.write(batch)
        return fixture
    }

    @Test func aHealthyStoreVerifies() async throws {
        let fixture = try await populated()
        let report = try fixture.store.verify()
        #expect(report.isConsistent, "\(report.problems)")
        #expect(report.logEntries == 3)
        #expect(report.viewEntries == 3)
        #expect(report.datasets == 1)
    }

    @Test func aDamagedViewIsReported() async throws {
        let fixture = try await populated()
        let store = fixture.store
        try store.environment.write { txn in
            var key = ByteWriter()
            ViewEntry.key(dataset: 1, recordID: "a", into: &key)
            _ = try key.bytes.withUnsafeBytes { try txn.delete($0, in: store.layout.view) }
        }
        let report = try store.verify()
        #expect(!report.isConsistent)
        #expect(report.problems.count == 2)
        #expect(report.problems[0].contains("record 'a'"))
        #expect(report.problems[1].contains("3 log entries but 2 view entries"))
    }

    @Test func wrongCountsAreReported() async throws {
        let fixture = try await populated()
        let store = fixture.store
        try store.environment.write { txn in
            let catalog = DatasetCatalog(layout: store.layout)
            var record = try #require(try catalog.record(of: contacts, in: txn))
            record.counts.live += 1
            try catalog.save(record, in: txn)
        }
        let report = try store.verify()
        #expect(report.problems.count == 1)
        #expect(report.problems[0].contains("counts are"))
    }
}
