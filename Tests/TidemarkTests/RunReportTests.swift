import Testing
@testable import Tidemark

/// The sync the run, window and reset tests use: it writes `Contact` for `acme`.
let contactsSync = SyncKey(connection: acme, name: "contacts")

extension Store {
    /// Writes one batch of `contactsSync` in run `runID`: saves `texts` to `model`, optionally with a checkpoint.
    @discardableResult
    func save(_ texts: [String], run runID: String, model: ModelName = contact,
              checkpoint: CheckpointWrite? = nil) async throws -> ModelSummary {
        var batch = Batch(connection: acme, sync: contactsSync.name, runID: runID)
        batch.save(JSONRecords(texts), to: model)
        batch.checkpoint = checkpoint
        return try await write(batch).models[model.description] ?? ModelSummary()
    }
}

@Suite("Runs and their reports (SPEC §4)")
struct RunReportTests {
    @Test func countsAddUpAcrossSeveralBatches() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let start = try await store.beginRun(contactsSync)
        #expect(start.runID == "1" && start.checkpoint == nil && start.interruptedRun == nil)
        let began = fixture.clock.now()
        try await store.save([#"{"id":"a"}"#, #"{"id":"b"}"#], run: start.runID, checkpoint: .set(["page": .number(1)]))
        try await store.save([#"{"id":"a","v":2}"#, #"{"id":"b"}"#, #"{"id":"c"}"#], run: start.runID,
                             checkpoint: .set(["page": .number(2)]))
        var batch = Batch(connection: acme, sync: contactsSync.name, runID: start.runID)
        batch.delete(["c", "zzz"], from: contact)
        try await store.write(batch)
        fixture.clock.advance(milliseconds: 1_500)
        let report = try await store.finishRun(contactsSync, runID: start.runID, outcome: .success)
        #expect(report.models == ["Contact": RunCounts(added: 3, updated: 1, deleted: 1)])
        #expect(report.runID == "1" && report.sync == contactsSync && report.succeeded && report.error == nil)
        #expect(report.startedAt == began && report.endedAt == fixture.clock.now() && report.durationMilliseconds == 1_500)
        #expect(report.checkpointFrom == nil)
        #expect(report.checkpointTo?.value == ["page": .number(2)] && report.checkpointTo?.version == 2)
        #expect(try store.runHistory(of: contactsSync) == [report])
        #expect(try store.verify().problems == [])
    }

    @Test func aRecordAddedThenChangedInOneRunCountsOnceEach() async throws {
        let fixture = try Fixture()
        let run = try await fixture.store.beginRun(contactsSync).runID
        try await fixture.store.save([#"{"id":"a","v":1}"#], run: run)
        try await fixture.store.save([#"{"id":"a","v":2}"#], run: run)
        let report = try await fixture.store.finishRun(contactsSync, runID: run, outcome: .success)
        #expect(report.models == ["Contact": RunCounts(added: 1, updated: 1, deleted: 0)])
    }

    @Test func unchangedRecordsCountNothing() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let first = try await store.beginRun(contactsSync).runID
        try await store.save([#"{"id":"a","v":1}"#, #"{"id":"b"}"#], run: first, checkpoint: .set(["at": .string("x")]))
        let firstReport = try await store.finishRun(contactsSync, runID: first, outcome: .success)
        let second = try await store.beginRun(contactsSync)
        #expect(second.runID == "2" && second.checkpoint == firstReport.checkpointTo)
        try await store.save([#"{"v":1,"id":"a"}"#, #"{"id":"b"}"#], run: second.runID)
        let report = try await store.finishRun(contactsSync, runID: second.runID, outcome: .success)
        #expect(report.models == ["Contact": RunCounts()])
        #expect(report.checkpointFrom == firstReport.checkpointTo && report.checkpointTo == firstReport.checkpointTo)
    }

    @Test func aBatchOfARunThatIsNotActiveWritesNothing() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let run = try await store.beginRun(contactsSync).runID
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: "7", activeRunID: "1")) {
            try await store.save([#"{"id":"a"}"#], run: "7", checkpoint: .set(["page": .number(1)]))
        }
        _ = try await store.finishRun(contactsSync, runID: run, outcome: .success)
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: run, activeRunID: nil)) {
            try await store.save([#"{"id":"a"}"#], run: run)
        }
        #expect(try store.record("a", in: contacts) == nil)
        #expect(try store.checkpoint(of: contactsSync) == nil)
        #expect(try store.datasets().isEmpty)
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: run, activeRunID: nil)) {
            try await store.finishRun(contactsSync, runID: run, outcome: .success)
        }
    }

    @Test func aBatchNamingARunMustNameItsSync() async throws {
        let fixture = try Fixture()
        var batch = Batch(connection: acme, runID: "1")
        batch.save(records(#"{"id":"a"}"#), to: contact)
        await #expect(throws: TidemarkError.invalidRequest("a batch that names a run must name its sync")) {
            try await fixture.store.write(batch)
        }
        #expect(try fixture.store.record("a", in: contacts) == nil)
    }

    @Test func beginClosesAnUnfinishedRunAsInterrupted() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let first = try await store.beginRun(contactsSync).runID
        try await store.save([#"{"id":"a"}"#], run: first)
        try fixture.reopen()  // the process that ran it died
        #expect(try fixture.store.status(of: contactsSync).activeRun?.runID == first)
        fixture.clock.advance(milliseconds: 10)
        let second = try await fixture.store.beginRun(contactsSync)
        let interrupted = try #require(second.interruptedRun)
        #expect(interrupted.runID == first && interrupted.error == Store.supersededRunError)
        #expect(interrupted.models == ["Contact": RunCounts(added: 1)])
        #expect(interrupted.endedAt == fixture.clock.now())
        #expect(try fixture.store.runHistory(of: contactsSync) == [interrupted])
        await #expect(throws: TidemarkError.runNotActive(sync: contactsSync.description, runID: first, activeRunID: second.runID)) {
            try await fixture.store.save([#"{"id":"b"}"#], run: first)
        }
    }

    @Test func theHistoryKeepsTheLastHundredNewestFirst() async throws {
        let fixture = try Fixture()
        for index in 1...103 {
            let run = try await fixture.store.beginRun(contactsSync).runID
            #expect(run == String(index))
            _ = try await fixture.store.finishRun(contactsSync, runID: run, outcome: index.isMultiple(of: 2) ? .success : .failure("page \(index)"))
        }
        let history = try fixture.store.runHistory(of: contactsSync)
        #expect(history.count == 100)
        #expect(history.first?.runID == "103" && history.first?.error == "page 103")
        #expect(history.last?.runID == "4" && history.last?.succeeded == true)
        #expect(try fixture.store.runHistory(of: contactsSync, limit: 2).map(\.runID) == ["103", "102"])
        #expect(try fixture.store.status(of: contactsSync).lastRun == history.first)
        let other = SyncKey(connection: acme, name: "contacts", variant: "eu")
        #expect(try fixture.store.runHistory(of: other).isEmpty)
    }

    @Test func aLongErrorIsCutAtACharacterBoundary() async throws {
        let fixture = try Fixture()
        let run = try await fixture.store.beginRun(contactsSync).runID
        let report = try await fixture.store.finishRun(contactsSync, runID: run, outcome: .failure(String(repeating: "é", count: 3_000)))
        #expect(report.error == String(repeating: "é", count: RunOutcome.maximumErrorLength / 2))
        #expect(try fixture.store.runHistory(of: contactsSync) == [report])
    }

    @Test func statusShowsTheRunTheRecordsAndTheCheckpoint() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let eu = ModelName("Contact", variant: "eu")
        let first = try await store.beginRun(contactsSync).runID
        try await store.save([#"{"id":"a"}"#, #"{"id":"b"}"#], run: first, checkpoint: .set(["page": .number(1)]))
        try await store.save([#"{"id":"x"}"#], run: first, model: eu)
        let report = try await store.finishRun(contactsSync, runID: first, outcome: .success)
        let second = try await store.beginRun(contactsSync).runID
        try await store.save([#"{"id":"c"}"#], run: second)
        let status = try store.status(of: contactsSync)
        #expect(status.sync == contactsSync && status.lastRun == report)
        #expect(status.activeRun == ActiveRun(runID: second, startedAt: fixture.clock.now(), models: ["Contact": RunCounts(added: 1)]))
        #expect(status.records == ["Contact": DatasetCounts(live: 3, deleted: 0, payloadBytes: 30),
                                   "Contact::eu": DatasetCounts(live: 1, deleted: 0, payloadBytes: 10)])
        #expect(status.checkpoint?.value == ["page": .number(1)])
        #expect(status.deletionWindows.isEmpty)
        var other = Batch(connection: acme, sync: "deals", syncVariant: "v2")
        other.save(records(#"{"id":"d"}"#), to: ModelName("Deal"))
        try await store.write(other)
        var checkpointOnly = Batch(connection: acme, sync: "users")
        checkpointOnly.checkpoint = .set(["n": .number(1)])
        try await store.write(checkpointOnly)
        #expect(try store.syncs(of: acme) == [contactsSync, SyncKey(connection: acme, name: "deals", variant: "v2"),
                                               SyncKey(connection: acme, name: "users")])
        #expect(try store.syncs(of: ConnectionKey(integrationID: "crm", connectionID: "other")).isEmpty)
        #expect(try store.status(of: SyncKey(connection: acme, name: "deals", variant: "v2")).records == ["Deal": DatasetCounts(live: 1, deleted: 0, payloadBytes: 10)])
    }
}
