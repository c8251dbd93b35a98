/// A sync function: fetches records from an external API and writes them to the store, the Swift counterpart of
/// the platform's `createSync`.
///
/// `exec` reads ``SyncContext/checkpoint`` to know where to resume, fetches page by page, and saves each page
/// with its new checkpoint in one batch (`batchSave(_:to:checkpoint:)`), so a run that dies resumes exactly after
/// the last saved page. Run it with a ``SyncRunner`` (or a ``SyncScheduler``), which begins and finishes the run,
/// retries transient errors, and supports dry runs.
///
/// ```swift
/// struct Contacts: SyncFunction {
///     struct Checkpoint: Codable, Sendable { var modifiedSince: Int64; var pageToken: String? }
///     let name = "crm-contacts"
///     let models = [ModelName("Contact")]
///     func exec(_ context: SyncContext<Checkpoint>) async throws {
///         var checkpoint = context.checkpoint ?? Checkpoint(modifiedSince: 0, pageToken: nil)
///         repeat {
///             let page = try await api.list(since: checkpoint.modifiedSince, page: checkpoint.pageToken)
///             checkpoint.pageToken = page.next
///             try await context.batchSave(page.contacts, to: models[0], checkpoint: checkpoint)
///         } while checkpoint.pageToken != nil
///     }
/// }
/// ```
public protocol SyncFunction: Sendable {
    /// The checkpoint: a flat `Codable` struct of strings, numbers, booleans and dates (SPEC §2.4).
    associatedtype Checkpoint: Codable & Sendable

    /// The sync's name, e.g. `salesforce-contacts`.
    var name: String { get }
    /// The models it writes.
    var models: [ModelName] { get }
    /// How often a ``SyncScheduler`` runs it; `nil` runs it only when triggered.
    var frequency: Duration? { get }

    /// Fetches and saves; throws to fail the run (a ``TransientError`` that says so is retried).
    func exec(_ context: SyncContext<Checkpoint>) async throws
}

extension SyncFunction {
    /// Triggered only, by default.
    public var frequency: Duration? { nil }
}

/// An error a ``SyncRunner`` may retry: rate limits, timeouts, a dropped connection.
public protocol TransientError: Error {
    /// Whether retrying after a pause may succeed.
    var isTransient: Bool { get }
}
