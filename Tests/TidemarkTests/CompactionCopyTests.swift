import Foundation
import Testing
@testable import Tidemark

@Suite("Compacting copy")
struct CompactionCopyTests {
    private func fileSize(_ directory: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: (directory as NSString).appendingPathComponent("data.mdb"))
        return try #require(attributes[.size] as? Int)
    }

    private func batch(_ ids: Range<Int>, version: Int, model: ModelName = contact) -> Batch {
        saveBatch(JSONRecords(ids.map { #"{"id":"r\#($0)","v":\#(version),"text":"\#(String(repeating: "lorem ", count: 10 + 10 * version))"}"# }),
                  model: model)
    }

    @Test func aCompactingCopyReadsTheSameAndIsSmallerAfterHeavyUpdates() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let deals = DatasetKey(connection: acme, model: ModelName("Deal"))
        try await store.write(batch(0..<2_000, version: 0, model: deals.model))
        fixture.clock.advance(milliseconds: 61 * day)
        for version in 0...3 { try await store.write(batch(0..<2_000, version: version)) }
        var deletes = Batch(connection: acme)
        deletes.delete((0..<500).map { "r\($0)" }, from: contact)
        try await store.write(deletes)
        #expect(try await store.runMaintenance() == MaintenanceReport(expiredDatasets: 1, purgedRecords: 2_000, prunedPayloads: 0))

        let copyDirectory = fixture.directory + "-copy"
        defer { try? FileManager.default.removeItem(atPath: copyDirectory) }
        try store.copy(to: copyDirectory)
        let original = try fileSize(fixture.directory)
        let compacted = try fileSize(copyDirectory)
        #expect(compacted < original / 2, "the copy is \(compacted) bytes, the original \(original)")
        #expect(try store.spaceReport().freePages > 0)

        let copy = try Store(directory: copyDirectory, options: fixture.options)
        #expect(try copy.all() == store.all())
        #expect(try copy.datasets() == store.datasets())
        #expect(try copy.records(in: deals).records.isEmpty)
        let copied = try copy.spaceReport()
        #expect(copied.freePages == 0)
        #expect(copied.logEntries == 2_000)
        #expect(copied.payloadBytes == (try store.counts(of: contacts)).payloadBytes)
        try copy.expectConsistent()
    }

    @Test func aCopyNeedsADirectoryWithoutAStore() async throws {
        let fixture = try Fixture()
        _ = try await fixture.store.save(#"{"id":"a"}"#)
        #expect(throws: TidemarkError.invalidRequest("'\(fixture.directory)' already holds a store; copy into a new or empty directory")) {
            try fixture.store.copy(to: fixture.directory)
        }
    }
}
