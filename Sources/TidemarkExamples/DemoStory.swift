import Foundation
import Tidemark

/// The end-to-end story `tidemark demo` plays: a sync over ``ExampleCRM`` that crashes half-way and resumes from
/// its checkpoint, an incremental run, a full refresh that detects deletions, and a consumer that replays the
/// change stream from its saved cursor after each step.
public struct DemoStory: Sendable {
    /// What the story observed, for tests.
    public struct Outcome: Equatable, Sendable {
        /// Records the crashed first run had saved.
        public var savedBeforeCrash: Int64 = 0
        /// API requests of the resumed run.
        public var resumedRequests = 0
        /// Records the consumer read on its first replay.
        public var firstReplay = 0
        /// Records the incremental run updated, and what the consumer then read.
        public var incrementalUpdates: Int64 = 0
        /// Changes the consumer read after the incremental run, by action.
        public var replayAfterIncremental: [RecordAction: Int] = [:]
        /// Records the full refresh deleted, and what the consumer then read.
        public var refreshDeletes: Int64 = 0
        /// Changes the consumer read after the full refresh, by action.
        public var replayAfterRefresh: [RecordAction: Int] = [:]
        /// Whether `verify` found the store consistent at the end.
        public var consistent = false
    }

    /// Contacts at the example API.
    public var contacts: Int
    /// Contacts per page.
    public var pageSize: Int

    /// A story over `contacts` contacts fetched `pageSize` at a time.
    public init(contacts: Int = 5_000, pageSize: Int = 500) {
        self.contacts = contacts
        self.pageSize = pageSize
    }

    /// Plays the story on `store`, telling what happens through `say`.
    public func play(on store: Store, say: (String) -> Void) async throws -> Outcome {
        var outcome = Outcome()
        let connection = ConnectionKey(integrationID: "example-crm", connectionID: "demo")
        let contactsKey = DatasetKey(connection: connection, model: ModelName("Contact"))
        let api = ExampleCRM(contacts: contacts)
        var retry = RetryPolicy()
        retry.initialDelay = .milliseconds(10)
        let runner = SyncRunner(store: store, retry: retry)
        let sync = ContactsSync(api: api, pageSize: pageSize)
        let pages = (contacts + pageSize - 1) / pageSize

        _ = try await store.trigger(SyncKey(connection: connection, name: sync.name), reset: true, emptyCache: true)
        say("• Starting clean: reset the demo sync and emptied its cache.")

        let crashAfter = pages / 2
        api.failRequest(afterNext: crashAfter, with: .crashed)
        api.rateLimit(every: 4)
        let crashed = try await runner.run(sync, for: connection)
        outcome.savedBeforeCrash = try store.counts(of: contactsKey).live
        let checkpoint = try store.checkpoint(of: SyncKey(connection: connection, name: sync.name))
        say("• Run 1: \(contacts) contacts, \(pageSize) per page, a checkpoint with every page; rate limits retried. It died mid-way: \(crashed.error ?? "?").")
        say("  Saved so far: \(outcome.savedBeforeCrash) contacts, checkpoint version \(checkpoint?.version ?? 0) — records and checkpoint committed together.")

        api.rateLimit(every: 0)
        let before = api.requestCount
        let resumed = try await runner.run(sync, for: connection)
        outcome.resumedRequests = api.requestCount - before
        say("• Run 2 resumed from the checkpoint: \(outcome.resumedRequests) requests (not \(pages)), added \(resumed.models["Contact"]?.added ?? 0); \(try store.counts(of: contactsKey).live) contacts in the store.")

        var consumer = Consumer(store: store, dataset: contactsKey)
        outcome.firstReplay = try consumer.catchUp().values.reduce(0, +)
        say("• A consumer replayed the change stream from the start: \(outcome.firstReplay) records, and saved its cursor.")

        api.edit((0..<25).map { "c" + String(format: "%06d", $0 * 7) })
        let incremental = try await runner.run(sync, for: connection)
        outcome.incrementalUpdates = incremental.models["Contact"]?.updated ?? 0
        outcome.replayAfterIncremental = try consumer.catchUp()
        say("• 25 contacts were edited at the source. Run 3 (incremental) updated \(outcome.incrementalUpdates); the consumer, from its cursor, read \(Self.describe(outcome.replayAfterIncremental)).")

        api.remove((0..<10).map { "c" + String(format: "%06d", $0 * 11 + 1) })
        let refresh = try await runner.run(ContactsSync(api: api, pageSize: pageSize, fullRefresh: true), for: connection)
        outcome.refreshDeletes = refresh.models["Contact"]?.deleted ?? 0
        outcome.replayAfterRefresh = try consumer.catchUp()
        say("• 10 contacts were removed at the source. Run 4 (full refresh with deletion detection) deleted \(outcome.refreshDeletes); the consumer read \(Self.describe(outcome.replayAfterRefresh)).")

        let report = try store.verify()
        outcome.consistent = report.isConsistent
        let counts = try store.counts(of: contactsKey)
        say("• verify: \(report.isConsistent ? "consistent" : "INCONSISTENT") — \(counts.live) live, \(counts.deleted) deleted, \(counts.payloadBytes) payload bytes.")
        return outcome
    }

    private static func describe(_ actions: [RecordAction: Int]) -> String {
        actions.isEmpty ? "nothing" : actions.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }

    /// A consumer that keeps its cursor between catch-ups, as the platform's clients do.
    private struct Consumer {
        let store: Store
        let dataset: DatasetKey
        var cursor: String?

        /// Reads every change after the saved cursor, counting them by action, and saves the new cursor.
        mutating func catchUp() throws -> [RecordAction: Int] {
            var seen: [RecordAction: Int] = [:]
            while true {
                let page = try store.records(in: dataset, RecordQuery(cursor: cursor, limit: 1_000))
                for record in page.records { seen[record.metadata.lastAction, default: 0] += 1 }
                cursor = page.records.last?.metadata.cursor ?? cursor
                if page.nextCursor == nil { return seen }
            }
        }
    }
}
