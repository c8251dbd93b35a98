import Tidemark

/// The example sync over ``ExampleCRM``: incremental by `modified_since`, a checkpoint saved with every page.
///
/// The checkpoint holds where the current pass started (`modifiedSince`), the page to fetch next (`pageToken`)
/// and the high-water mark seen so far (`highWater`). A run resumes at `pageToken`; when a pass ends, the next
/// pass starts from `highWater`, so an incremental run fetches only what changed. With `fullRefresh`, every run
/// fetches everything inside a deletion window, so records removed at the source are soft-deleted.
public struct ContactsSync: SyncFunction {
    /// The sync's progress marker: flat, as checkpoints must be.
    public struct Checkpoint: Codable, Sendable, Equatable {
        /// Fetch contacts modified at or after this instant (ms); 0 fetches everything.
        public var modifiedSince: Int64
        /// The page to fetch next in the current pass; `nil` starts the pass.
        public var pageToken: String?
        /// The newest `updatedAt` seen in the current pass.
        public var highWater: Int64

        /// A checkpoint; the default starts from the beginning.
        public init(modifiedSince: Int64 = 0, pageToken: String? = nil, highWater: Int64 = 0) {
            self.modifiedSince = modifiedSince
            self.pageToken = pageToken
            self.highWater = highWater
        }
    }

    /// The API fetched from.
    public let api: ExampleCRM
    /// Contacts per page.
    public let pageSize: Int
    /// Fetch everything every run and detect deletions, instead of fetching changes only.
    public let fullRefresh: Bool
    public let name = "crm-contacts"
    public let models = [ModelName("Contact")]
    public let frequency: Duration?

    /// The sync over `api`.
    public init(api: ExampleCRM, pageSize: Int = 100, fullRefresh: Bool = false, frequency: Duration? = nil) {
        self.api = api
        self.pageSize = pageSize
        self.fullRefresh = fullRefresh
        self.frequency = frequency
    }

    public func exec(_ context: SyncContext<Checkpoint>) async throws {
        let model = models[0]
        var checkpoint = context.checkpoint ?? Checkpoint()
        if fullRefresh {
            if checkpoint.pageToken == nil { checkpoint.modifiedSince = 0 }
            try await context.trackDeletesStart(model)
        }
        repeat {
            let page = try api.listContacts(modifiedSince: checkpoint.modifiedSince == 0 ? nil : checkpoint.modifiedSince,
                                            pageToken: checkpoint.pageToken, limit: pageSize)
            checkpoint.highWater = max(checkpoint.highWater, page.contacts.map(\.updatedAt).max() ?? 0)
            checkpoint.pageToken = page.nextPageToken
            if checkpoint.pageToken == nil {
                // The pass is complete: the next one starts after what this one saw.
                checkpoint.modifiedSince = checkpoint.highWater + 1
            }
            try await context.batchSave(page.contacts, to: model, checkpoint: checkpoint)
        } while checkpoint.pageToken != nil
        if fullRefresh {
            let deleted = try await context.trackDeletesEnd(model)
            context.logger.info("full refresh deleted \(deleted.count) contacts")
        }
    }
}

extension ExampleCRM.Failure: TransientError {
    public var isTransient: Bool { self == .rateLimited }
}
