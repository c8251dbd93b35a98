import Testing
@testable import Tidemark

@Suite("Maintenance: bounded, resumable, scheduled")
struct RetentionMaintenanceTests {
    /// 10 contacts and 4 deals saved at t0, 3 more contacts at t0 + 20 d; clock at t0 + 31 d, so 10 contacts and 4
    /// deals are past the payload TTL. Records per transaction: 3.
    private func aged() async throws -> Fixture {
        let fixture = try Fixture { $0.retention.recordsPerTransaction = 3 }
        let store = fixture.store
        try await store.write(saveBatch(JSONRecords((0..<10).map { #"{"id":"c\#($0)","n":\#($0)}"# })))
        try await store.write(saveBatch(JSONRecords((0..<4).map { #"{"id":"d\#($0)"}"# }), model: ModelName("Deal")))
        fixture.clock.advance(milliseconds: 20 * day)
        try await store.write(saveBatch(JSONRecords((10..<13).map { #"{"id":"c\#($0)","n":\#($0)}"# })))
        fixture.clock.advance(milliseconds: 11 * day)
        return fixture
    }

    /// Everything a reader can see: every dataset's records with metadata, and the counts.
    private func state(of store: Store) throws -> [String] {
        try store.datasets().flatMap { summary in
            ["\(summary.key) \(summary.counts)"] + (try store.all(summary.key)).map { String(decoding: $0.json, as: UTF8.self) }
        }
    }

    @Test func aCrashBetweenStepsResumesToTheSameFinalState() async throws {
        let reference = try await aged()
        #expect(try await reference.store.runMaintenance() == MaintenanceReport(expiredDatasets: 0, purgedRecords: 0, prunedPayloads: 14))
        let expected = try state(of: reference.store)

        let fixture = try await aged()
        let store = fixture.store
        let cutoff = fixture.clock.now().adding(milliseconds: -30 * day)
        let layout = store.layout
        let now = fixture.clock.now()
        // One bounded step commits, then the process dies.
        let step = try await store.performWrite { txn, _ in
            try PayloadPruner(layout: layout).step(dataset: 1, bound: .modifiedBefore(cutoff), limit: .max, budget: 3, now: now, in: txn)
        }
        #expect(step.pruned == 3 && step.stop == .budgetSpent)
        // The next step is killed before its commit: nothing of it remains.
        struct Killed: Error {}
        await #expect(throws: Killed.self) {
            try await store.performWrite { txn, _ in
                _ = try PayloadPruner(layout: layout).step(dataset: 1, bound: .modifiedBefore(cutoff), limit: .max, budget: 3, now: now, in: txn)
                throw Killed()
            }
        }
        try fixture.reopen()
        #expect(try fixture.store.prunedIDs() == ["c0", "c1", "c2"])
        try fixture.store.expectConsistent()

        // The next run does only what is left.
        #expect(try await fixture.store.runMaintenance() == MaintenanceReport(expiredDatasets: 0, purgedRecords: 0, prunedPayloads: 11))
        #expect(try state(of: fixture.store) == expected)
        try fixture.store.expectConsistent()
    }

    @Test func everyStepLeavesAConsistentStore() async throws {
        let fixture = try await aged()
        let store = fixture.store
        let cutoff = fixture.clock.now().adding(milliseconds: -30 * day)
        let layout = store.layout
        var pruned: [Int] = []
        var stop = PayloadPruner.Stop.budgetSpent
        while stop == .budgetSpent {
            let now = fixture.clock.now()
            let step = try await store.performWrite { txn, _ in
                try PayloadPruner(layout: layout).step(dataset: 1, bound: .modifiedBefore(cutoff), limit: .max, budget: 3, now: now, in: txn)
            }
            pruned.append(step.pruned)
            stop = step.stop
            try store.expectConsistent()
        }
        #expect(pruned == [3, 3, 3, 1])
        #expect(stop == .finished)
    }

    @Test func theBackgroundTaskDoesNotKeepAClosedStoreAlive() async throws {
        let fixture = try Fixture { $0.maintenanceInterval = .seconds(3_600) }
        weak let opened = fixture.store
        #expect(opened != nil)
        try fixture.reopen()
        #expect(opened == nil)
        _ = try await fixture.store.save(#"{"id":"a"}"#)
        #expect(try fixture.store.counts(of: contacts).live == 1)
    }
}
