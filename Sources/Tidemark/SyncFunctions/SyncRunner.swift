import Logging

/// How a ``SyncRunner`` retries transient errors: exponential backoff, capped.
public struct RetryPolicy: Sendable {
    /// Attempts of `exec` per run, the first included.
    public var maximumAttempts = 5
    /// The pause after the first failure; doubled after each further one.
    public var initialDelay: Duration = .milliseconds(200)
    /// The longest pause.
    public var maximumDelay: Duration = .seconds(30)
    /// How to pause; replace it in tests to pause for no time.
    public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// The default policy: 5 attempts, 200 ms doubling up to 30 s.
    public init() {}

    /// The pause after failed attempt number `attempt` (1-based).
    func delay(after attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) { delay = min(delay * 2, maximumDelay) }
        return min(delay, maximumDelay)
    }
}

/// What a dry run would have done.
public struct DryRunReport<Checkpoint: Sendable>: Sendable {
    /// Per model, the batch outcomes the run would have had (each batch judged against the store as it is).
    public var models: [String: ModelSummary]
    /// The checkpoint the dry run started from.
    public var checkpointFrom: Checkpoint?
    /// The checkpoint it would have ended with.
    public var checkpointTo: Checkpoint?
}

/// Executes ``SyncFunction``s as runs (SPEC §4): begins the run, hands `exec` the checkpoint to resume from,
/// retries transient errors with backoff (each retry resumes from the last saved checkpoint), and finishes the
/// run with its report. A failure of `exec` is a failed run, reported, not thrown; only store errors are thrown.
public struct SyncRunner: Sendable {
    /// The store written to.
    public let store: Store
    /// Retries of transient errors.
    public var retry: RetryPolicy
    /// The logger handed to sync functions.
    public var logger: Logger

    /// A runner over `store`.
    public init(store: Store, retry: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "tidemark.sync")) {
        self.store = store
        self.retry = retry
        self.logger = logger
    }

    /// Runs `function` for `connection` and returns the run's report.
    public func run<Function: SyncFunction>(_ function: Function, for connection: ConnectionKey, variant: String? = nil) async throws -> RunReport {
        let sync = SyncKey(connection: connection, name: function.name, variant: variant)
        let start = try await store.beginRun(sync)
        let context = SyncContext<Function.Checkpoint>(
            store: store, sync: sync, runID: start.runID,
            checkpoint: try start.checkpoint?.value.map { try CheckpointCoding.value(Function.Checkpoint.self, from: $0) },
            expectedVersion: start.checkpoint.map { .exactly($0.version) } ?? .absent, logger: logger)
        var attempt = 1
        while true {
            do {
                try await function.exec(context)
                return try await store.finishRun(sync, runID: start.runID, outcome: .success)
            } catch let error as any TransientError where error.isTransient && attempt < retry.maximumAttempts && !Task.isCancelled {
                let delay = retry.delay(after: attempt)
                context.logger.warning("attempt \(attempt) failed with a transient error; retrying from the last checkpoint in \(delay)", metadata: ["error": "\(error)"])
                try await retry.sleep(delay)
                attempt += 1
            } catch {
                context.logger.error("run failed", metadata: ["error": "\(error)"])
                return try await store.finishRun(sync, runID: start.runID, outcome: .failure("\(error)"))
            }
        }
    }

    /// Runs `function` for `connection` from `checkpoint` without writing anything, and reports what it would
    /// have written. Deletion windows are not opened or closed in a dry run.
    public func dryRun<Function: SyncFunction>(_ function: Function, for connection: ConnectionKey, variant: String? = nil,
                                               startingFrom checkpoint: Function.Checkpoint?) async throws -> DryRunReport<Function.Checkpoint> {
        let sync = SyncKey(connection: connection, name: function.name, variant: variant)
        let context = SyncContext<Function.Checkpoint>(store: store, sync: sync, runID: nil, checkpoint: checkpoint,
                                                       expectedVersion: .any, logger: logger)
        try await function.exec(context)
        return DryRunReport(models: context.preview, checkpointFrom: checkpoint, checkpointTo: context.checkpoint)
    }
}
