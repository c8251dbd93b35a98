import Foundation
import Synchronization

/// A small in-process "external API" of CRM contacts, for the demo, the tests and trying sync functions out.
///
/// It serves generated contacts in pages ordered by `(updated_at, id)`, filters by `modified_since`, and can be
/// told to fail: every `rateLimitEvery`-th request answers ``ExampleCRM/Failure/rateLimited`` (transient), and a
/// request can be made to fail once with ``ExampleCRM/Failure/crashed`` to simulate a process dying mid-run. It
/// counts requests, so a test can check that a resumed run asks only for what was not saved.
public final class ExampleCRM: Sendable {
    /// One contact as the API serves it.
    public struct Contact: Codable, Equatable, Sendable {
        /// The API's primary key.
        public var id: String
        /// Full name.
        public var name: String
        /// E-mail address.
        public var email: String
        /// A revision counter, bumped by every edit.
        public var revision: Int
        /// Milliseconds since 1970 of the last edit: the API's `modified_since` field.
        public var updatedAt: Int64
    }

    /// A failure the API answers with.
    public enum Failure: Error, Equatable, Sendable {
        /// HTTP 429: retry later. Transient.
        case rateLimited
        /// The simulated process died during this request. Not transient: the run fails.
        case crashed
    }

    /// One page of contacts.
    public struct Page: Sendable {
        /// The contacts, ordered by `(updatedAt, id)`.
        public var contacts: [Contact]
        /// The token of the next page; `nil` on the last page.
        public var nextPageToken: String?
    }

    private struct State {
        var contacts: [String: Contact] = [:]
        var clock: Int64
        var requests = 0
        var failures: [Int: Failure] = [:]
        var rateLimitEvery = 0
    }

    private let state: Mutex<State>

    /// An API holding `count` contacts, generated deterministically.
    public init(contacts count: Int, startingAt clock: Int64 = 1_700_000_000_000) {
        var state = State(clock: clock)
        for n in 0..<count {
            let id = String(format: "c%06d", n)
            state.clock += 1
            state.contacts[id] = Contact(id: id, name: "Contact \(n)", email: "contact\(n)@example.com", revision: 1, updatedAt: state.clock)
        }
        self.state = Mutex(state)
    }

    /// Requests served so far, failed ones included.
    public var requestCount: Int { state.withLock { $0.requests } }

    /// Makes every `n`-th request answer ``Failure/rateLimited`` (0 turns it off).
    public func rateLimit(every n: Int) { state.withLock { $0.rateLimitEvery = n } }

    /// Makes the next request fail with `failure`.
    public func failNextRequest(with failure: Failure) { failRequest(afterNext: 0, with: failure) }

    /// Lets `count` more requests succeed, then fails the one after with `failure`.
    public func failRequest(afterNext count: Int, with failure: Failure) {
        state.withLock { $0.failures[$0.requests + count + 1] = failure }
    }

    /// Edits `ids` (a new name and revision, a new `updatedAt`).
    public func edit(_ ids: [String]) {
        state.withLock { state in
            for id in ids {
                guard var contact = state.contacts[id] else { continue }
                state.clock += 1
                contact.revision += 1
                contact.name = "Contact \(id) rev \(contact.revision)"
                contact.updatedAt = state.clock
                state.contacts[id] = contact
            }
        }
    }

    /// Removes `ids` from the API, as when a user deletes them at the source.
    public func remove(_ ids: [String]) { state.withLock { state in ids.forEach { state.contacts[$0] = nil } } }

    /// The ids currently at the source.
    public var ids: Set<String> { state.withLock { Set($0.contacts.keys) } }

    /// Lists contacts modified at or after `modifiedSince` (all when `nil`), `limit` per page, from `pageToken`.
    public func listContacts(modifiedSince: Int64?, pageToken: String?, limit: Int) throws(Failure) -> Page {
        try state.withLock { (state) throws(Failure) -> Page in
            state.requests += 1
            if let failure = state.failures.removeValue(forKey: state.requests) { throw failure }
            if state.rateLimitEvery > 0, state.requests % state.rateLimitEvery == 0 { throw .rateLimited }
            // The page token is the (updatedAt, id) of the last contact served: keyset pagination.
            let after = pageToken.flatMap(Self.parseToken)
            let matching = state.contacts.values
                .filter { contact in
                    if let modifiedSince, contact.updatedAt < modifiedSince { return false }
                    if let after { return (contact.updatedAt, contact.id) > after }
                    return true
                }
                .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
            let page = Array(matching.prefix(limit))
            let next = matching.count > limit ? page.last.map { "\($0.updatedAt):\($0.id)" } : nil
            return Page(contacts: page, nextPageToken: next)
        }
    }

    private static func parseToken(_ token: String) -> (Int64, String)? {
        let parts = token.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let updatedAt = Int64(parts[0]) else { return nil }
        return (updatedAt, String(parts[1]))
    }
}
