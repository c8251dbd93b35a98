import Testing
@testable import Tidemark

@Suite("Checkpoints in the same transaction (SPEC §2.4)")
struct CheckpointTests {
    private let sync = SyncKey(connection: acme, name: "contacts")

    private func batch(_ records: JSONRecords = JSONRecords(), checkpoint: CheckpointWrite) -> Batch {
        var batch = Batch(connection: acme, sync: "contacts")
        if !records.isEmpty { batch.save(records, to: contact) }
        batch.checkpoint = checkpoint
        return batch
    }

    @Test func checkpointCommitsWithTheRecordsAndVersionsGrow() async throws {
        let fixture = try Fixture()
        #expect(try fixture.store.checkpoint(of: sync) == nil)
        let first = try await fixture.store.write(batch(records(#"{"id":"a"}"#), checkpoint: .set(["page": .number(1)], expected: .absent)))
        #expect(first.checkpoint?.version == 1)
        let second = try await fixture.store.write(batch(records(#"{"id":"b"}"#), checkpoint: .set(["page": .number(2), "done": .bool(false)], expected: .exactly(1))))
        #expect(second.checkpoint?.version == 2)
        let stored = try #require(try fixture.store.checkpoint(of: sync))
        #expect(stored.value == ["page": .number(2), "done": .bool(false)])
        #expect(stored.version == 2)
        #expect(try fixture.store.all().map(\.id) == ["a", "b"])
    }

    @Test func conflictWritesNothingAtAll() async throws {
        let fixture = try Fixture()
        try await fixture.store.write(batch(checkpoint: .set(["page": .number(1)])))
        await #expect(throws: TidemarkError.checkpointConflict(expected: .exactly(7), actual: 1)) {
            try await fixture.store.write(batch(records(#"{"id":"a"}"#), checkpoint: .set(["page": .number(2)], expected: .exactly(7))))
        }
        #expect(try fixture.store.all().isEmpty)
        #expect(try fixture.store.counts(of: contacts) == DatasetCounts())
        #expect(try fixture.store.checkpoint(of: sync)?.value == ["page": .number(1)])
    }

    @Test func twoCreatorsCannotBothWin() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let results = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<2 {
                group.addTask {
                    (try? await store.write(self.batch(checkpoint: .set(["creator": .number(Double(n))], expected: .absent)))) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(try store.checkpoint(of: sync)?.version == 1)
    }

    @Test func clearKeepsTheVersionGrowingAndClearingNothingIsFine() async throws {
        let fixture = try Fixture()
        let nothing = try await fixture.store.write(batch(checkpoint: .clear()))
        #expect(nothing.checkpoint?.value == nil)
        #expect(try fixture.store.checkpoint(of: sync) == nil)
        try await fixture.store.write(batch(checkpoint: .set(["a": .string("x")])))
        let cleared = try await fixture.store.write(batch(checkpoint: .clear(expected: .exactly(1))))
        #expect(cleared.checkpoint?.version == 2)
        let stored = try #require(try fixture.store.checkpoint(of: sync))
        #expect(stored.value == nil && stored.version == 2)
        let recreated = try await fixture.store.write(batch(checkpoint: .set(["a": .string("y")], expected: .absent)))
        #expect(recreated.checkpoint?.version == 3)
    }

    @Test func datesAreStoredAsISO8601Strings() async throws {
        let fixture = try Fixture()
        let date = Date(timeIntervalSince1970: 1_705_312_800.123)
        try await fixture.store.write(batch(checkpoint: .set(["since": .date(date)])))
        #expect(try fixture.store.checkpoint(of: sync)?.value == ["since": .string("2024-01-15T10:00:00.123Z")])
    }

    @Test(arguments: [
        (["": CheckpointField.bool(true)], TidemarkError.invalidCheckpoint(field: "", reason: "field names must not be empty")),
        ([String(repeating: "n", count: 256): .bool(true)], .invalidCheckpoint(field: String(repeating: "n", count: 256), reason: "the name is 256 characters; at most 255 are allowed")),
        (["s": .string(String(repeating: "x", count: 4001))], .invalidCheckpoint(field: "s", reason: "the string is 4001 characters; at most 4000 are allowed")),
        (["n": .number(.infinity)], .invalidCheckpoint(field: "n", reason: "numbers must be finite")),
        (Dictionary(uniqueKeysWithValues: (0..<17).map { ("f\($0)", CheckpointField.number(Double($0))) }), .invalidCheckpoint(field: nil, reason: "it has 17 fields; at most 16 are allowed")),
    ])
    func invalidValuesAreRejectedByField(value: [String: CheckpointField], error: TidemarkError) async throws {
        let fixture = try Fixture()
        await #expect(throws: error) {
            try await fixture.store.write(batch(records(#"{"id":"a"}"#), checkpoint: .set(value)))
        }
        #expect(try fixture.store.all().isEmpty)
    }

    @Test func limitsThemselvesAreAccepted() async throws {
        let fixture = try Fixture()
        var value = Dictionary(uniqueKeysWithValues: (0..<15).map { ("f\($0)", CheckpointField.bool(true)) })
        value[String(repeating: "n", count: 255)] = .string(String(repeating: "x", count: 4000))
        #expect(try await fixture.store.write(batch(checkpoint: .set(value))).checkpoint?.value == value)
    }

    @Test func checkpointWithoutSyncIsRejected() async throws {
        let fixture = try Fixture()
        var batch = Batch(connection: acme)
        batch.checkpoint = .set(["a": .bool(true)])
        await #expect(throws: TidemarkError.invalidRequest("a batch with a checkpoint write must name its sync")) {
            try await fixture.store.write(batch)
        }
    }
}

import Foundation
