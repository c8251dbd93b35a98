import Tidemark

/// The record filters of a read (`filter`, `modified_after`, `ids`), applied to the pages of a live tail, which reads
/// every change: `GET /records/stream` and `tidemark records --follow` drop the records the query does not admit.
public struct StreamFilter: Sendable {
    private let query: RecordQuery

    /// The filters of `query`; its cursor and limit are not used.
    public init(_ query: RecordQuery) {
        self.query = query
    }

    /// Whether `record` is in the union of the filter's states, modified at or after `modified_after`, and one of
    /// the `ids`, for each of these that is set.
    public func admits(_ record: StoredRecord) -> Bool {
        if let filter = query.filter, !filter.isEmpty, !filter.contains(record.metadata.lastAction) { return false }
        if let modifiedAfter = query.modifiedAfter, record.metadata.lastModifiedAt < modifiedAfter { return false }
        if let ids = query.ids, !ids.contains(record.id) { return false }
        return true
    }
}
