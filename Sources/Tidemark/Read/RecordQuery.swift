import Foundation

/// The parameters of a change-stream read, as the platform's `GET /records`.
public struct RecordQuery: Sendable, Equatable {
    /// Only changes after this cursor; `nil` reads from the start.
    public var cursor: String?
    /// Records per page, 1…10,000.
    public var limit: Int = 100
    /// The union of these states; `nil` or empty means all.
    public var filter: Set<RecordAction>?
    /// Only records whose `last_modified_at` is at or after this instant.
    public var modifiedAfter: Timestamp?
    /// Only these record ids, at most 100.
    public var ids: [String]?

    /// The largest page.
    public static let maximumLimit = 10_000
    /// The most ids one read may name.
    public static let maximumIDs = 100

    /// A query; every parameter is optional.
    public init(cursor: String? = nil, limit: Int = 100, filter: Set<RecordAction>? = nil,
                modifiedAfter: Timestamp? = nil, ids: [String]? = nil) {
        self.cursor = cursor
        self.limit = limit
        self.filter = filter
        self.modifiedAfter = modifiedAfter
        self.ids = ids
    }

    /// Parses the platform's `filter` parameter: a comma list of `added`, `updated`, `deleted`, any case.
    public static func parseFilter(_ text: String) throws(TidemarkError) -> Set<RecordAction> {
        var result = Set<RecordAction>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingCharacters(in: .whitespaces).uppercased()
            guard let action = RecordAction(rawValue: word) else {
                throw .invalidQuery("filter '\(part)' is not one of added, updated, deleted")
            }
            result.insert(action)
        }
        return result
    }

    func validate() throws(TidemarkError) {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw .invalidQuery("limit must be between 1 and \(Self.maximumLimit), not \(limit)")
        }
        if let ids {
            guard ids.count <= Self.maximumIDs else {
                throw .invalidQuery("at most \(Self.maximumIDs) ids may be asked for, not \(ids.count)")
            }
            for id in ids {
                do { try RecordID.validate(id) } catch { throw .invalidQuery("id '\(id.prefix(80))': \(error)") }
            }
        }
    }

    func matches(_ action: RecordAction, lastModifiedAt: Timestamp) -> Bool {
        if let filter, !filter.isEmpty, !filter.contains(action) { return false }
        if let modifiedAfter, lastModifiedAt < modifiedAfter { return false }
        return true
    }
}
