import Testing
@testable import Tidemark
import TidemarkExamples

@Suite("Sync functions: runner, dry run, scheduler")
struct SyncRunnerTests {
    private func runner(_ fixture: Fixture) -> SyncRunner {
        var retry = RetryPolicy()
        retry.sleep = { _ in }  // no real pauses in tests
        return SyncRunner(store: fixture.store, retry: retry)
    }

    private let sync = SyncKey(connection: acme, name: "crm-contacts")

    @Test func aFirstRunSavesEverythingWithACheckpointPerPage() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 250)
        let report = try await runner(fixture).run(ContactsSync(api: api, pageSize: 100), for: acme)
        #expect(report.outcome == .success)
        #expect(report.models["Contact"] == RunCounts(added: 250))
        #expect(api.requestCount == 3)
        #expect(try fixture.store.counts(of: contacts).live == 250)
        #expect(try fixture.store.checkpoint(of: sync)?.version == 3)
    }

    @Test func aCrashedRunIsResumedFromItsCheckpointAndFetchesOnlyTheRest() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 1000)
        api.failRequest(afterNext: 4, with: .crashed)
        let failed = try await runner(fixture).run(ContactsSync(api: api, pageSize: 100), for: acme)
        #expect(failed.outcome == .failure("crashed"))
        #expect(try fixture.store.counts(of: contacts).live == 400)
        let before = api.requestCount
        let resumed = try await runner(fixture).run(ContactsSync(api: api, pageSize: 100), for: acme)
        #expect(resumed.outcome == .success)
        #expect(resumed.models["Contact"] == RunCounts(added: 600))
        #expect(api.requestCount - before == 6)
        #expect(try fixture.store.counts(of: contacts).live == 1000)
    }

    @Test func transientErrorsAreRetriedFromTheLastCheckpoint() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 500)
        api.rateLimit(every: 3)
        let report = try await runner(fixture).run(ContactsSync(api: api, pageSize: 100), for: acme)
        #expect(report.outcome == .success)
        #expect(report.models["Contact"] == RunCounts(added: 500))
        #expect(api.requestCount == 7)  // 5 pages + 2 rate-limited answers, no page fetched twice
    }

    @Test func tooManyTransientErrorsFailTheRun() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 10)
        api.rateLimit(every: 1)
        let report = try await runner(fixture).run(ContactsSync(api: api), for: acme)
        #expect(report.outcome == .failure("rateLimited"))
        #expect(api.requestCount == RetryPolicy().maximumAttempts)
    }

    @Test func anIncrementalRunFetchesOnlyWhatChanged() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 300)
        _ = try await runner(fixture).run(ContactsSync(api: api, pageSize: 100), for: acme)
        api.edit(["c000007", "c000100", "c000299"])
        let before = api.requestCount
        let report = try await runner(fixture).run(ContactsSync(api: api, pageSize: 100), for: acme)
        #expect(report.models["Contact"] == RunCounts(updated: 3))
        #expect(api.requestCount - before == 1)
    }

    @Test func aFullRefreshDetectsDeletions() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 120)
        let full = ContactsSync(api: api, pageSize: 50, fullRefresh: true)
        _ = try await runner(fixture).run(full, for: acme)
        api.remove(["c000003", "c000050"])
        let report = try await runner(fixture).run(full, for: acme)
        #expect(report.models["Contact"]?.deleted == 2)
        #expect(try fixture.store.record("c000050", in: contacts)?.metadata.lastAction == .deleted)
        #expect(try fixture.store.counts(of: contacts) .live == 118)
        #expect(try fixture.store.verify().isConsistent)
    }

    @Test func aDryRunWritesNothingAndReportsWhatItWould() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 150)
        let start = ContactsSync.Checkpoint(modifiedSince: 0, pageToken: nil, highWater: 0)
        let report = try await runner(fixture).dryRun(ContactsSync(api: api, pageSize: 100), for: acme, startingFrom: start)
        #expect(report.models["Contact"]?.added.count == 150)
        #expect(report.checkpointTo?.pageToken == nil)
        #expect(report.checkpointTo?.highWater == 1_700_000_000_150)
        #expect(try fixture.store.datasets().isEmpty)
        #expect(try fixture.store.checkpoint(of: sync) == nil)
    }

    @Test func aCheckpointThatIsNotFlatIsRejectedByField() async throws {
        struct Nested: Codable, Sendable { var inner: [Int] }
        #expect(throws: TidemarkError.invalidCheckpoint(field: "inner", reason: "values must be strings, numbers, booleans or dates, not nested objects, arrays or null")) {
            try CheckpointCoding.fields(of: Nested(inner: [1]))
        }
    }

    @Test func datesInCheckpointsRoundTripAsISO8601() throws {
        struct WithDate: Codable, Equatable, Sendable { var since: Date; var page: Int; var done: Bool }
        let value = WithDate(since: Date(timeIntervalSince1970: 1_705_312_800.5), page: 3, done: true)
        let fields = try CheckpointCoding.fields(of: value)
        #expect(fields == ["since": .string("2024-01-15T10:00:00.500Z"), "page": .number(3), "done": .bool(true)])
        #expect(try CheckpointCoding.value(WithDate.self, from: fields) == value)
    }

    @Test func theSchedulerRunsAtTheFrequency() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 10)
        let scheduler = SyncScheduler(runner: runner(fixture))
        await scheduler.register(ContactsSync(api: api, frequency: .seconds(60)), for: [acme])
        #expect(try await scheduler.runDue().count == 1)
        #expect(try await scheduler.runDue().isEmpty)
        #expect(await scheduler.nextRun(of: "crm-contacts", for: acme) == fixture.clock.now().adding(milliseconds: 60_000))
        fixture.clock.advance(milliseconds: 60_000)
        #expect(try await scheduler.runDue().count == 1)
    }

    @Test func theSchedulerNeverOverlapsRunsOfOneSync() async throws {
        let fixture = try Fixture()
        let probe = OverlapProbe()
        let scheduler = SyncScheduler(runner: runner(fixture))
        await scheduler.register(ProbeSync(probe: probe), for: [acme])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = try await scheduler.trigger("probe", for: acme) } }
            try await group.waitForAll()
        }
        #expect(await probe.runs == 5)
        #expect(await probe.maximumConcurrent == 1)
    }

    @Test func triggerRejectsEmptyCacheWithoutReset() async throws {
        let fixture = try Fixture()
        let scheduler = SyncScheduler(runner: runner(fixture))
        await scheduler.register(ContactsSync(api: ExampleCRM(contacts: 1)), for: [acme])
        await #expect(throws: TidemarkError.invalidRequest("emptyCache needs reset: pass reset too")) {
            try await scheduler.trigger("crm-contacts", for: acme, emptyCache: true)
        }
    }

    @Test func triggerWithResetAndEmptyCacheStartsOver() async throws {
        let fixture = try Fixture()
        let api = ExampleCRM(contacts: 30)
        let scheduler = SyncScheduler(runner: runner(fixture))
        await scheduler.register(ContactsSync(api: api), for: [acme])
        _ = try await scheduler.trigger("crm-contacts", for: acme)
        let oldCursor = try #require(try fixture.store.lastCursor(of: contacts))
        let report = try await scheduler.trigger("crm-contacts", for: acme, reset: true, emptyCache: true)
        #expect(report.models["Contact"] == RunCounts(added: 30))
        #expect(throws: TidemarkError.cursorBeforeEmpty) { try fixture.store.records(in: contacts, RecordQuery(cursor: oldCursor)) }
    }
}

/// Counts how many runs of ``ProbeSync`` are in progress at once.
actor OverlapProbe {
    private(set) var runs = 0
    private(set) var maximumConcurrent = 0
    private var current = 0

    func enter() {
        current += 1
        runs += 1
        maximumConcurrent = max(maximumConcurrent, current)
    }

    func leave() { current -= 1 }
}

/// A sync that only records its own concurrency, yielding in the middle so overlapping runs would show.
struct ProbeSync: SyncFunction {
    struct Checkpoint: Codable, Sendable {}
    let probe: OverlapProbe
    let name = "probe"
    let models = [ModelName("Probe")]

    func exec(_ context: SyncContext<Checkpoint>) async throws {
        await probe.enter()
        for _ in 0..<10 { await Task.yield() }
        await probe.leave()
    }
}

import Foundation
