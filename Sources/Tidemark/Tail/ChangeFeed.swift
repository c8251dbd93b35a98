/// A live tail of one dataset's change stream (SPEC §3.3): pages of changes after a cursor, then, once caught up,
/// new pages as changes commit. Made by ``Store/changes(in:after:pageSize:)``.
///
/// Each page is read like ``Store/records(in:_:)`` from the cursor of the last record yielded, so the feed never
/// skips or repeats a change: cursors are ordered by commit, and a record that changes again is a new change at
/// the end of the stream. Empty pages are not yielded. When caught up, the feed waits for a commit of this process
/// (it is woken at once, nothing polls) and checks every ``StoreOptions/tailCheckInterval`` whether another process
/// committed (one read of LMDB's last transaction id). Cancelling the consuming task ends the feed promptly: `next()`
/// returns `nil`. Errors are the read errors: notably ``TidemarkError/cursorBeforeEmpty`` once the dataset is
/// emptied, which ends the feed.
public struct ChangeFeed: AsyncSequence, Sendable {
    /// A page of changes.
    public typealias Element = RecordPage
    /// What a read may throw.
    public typealias Failure = TidemarkError

    let store: Store
    let dataset: DatasetKey
    let cursor: String?
    let pageSize: Int

    /// Starts reading after the feed's cursor.
    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, dataset: dataset, cursor: cursor, pageSize: pageSize)
    }

    /// Reads the pages of a ``ChangeFeed``.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let store: Store
        let dataset: DatasetKey
        /// The cursor of the last record yielded.
        var cursor: String?
        let pageSize: Int

        /// The next non-empty page, waiting for commits when caught up; `nil` once the task is cancelled.
        public mutating func next() async throws(TidemarkError) -> RecordPage? {
            while !Task.isCancelled {
                let commits = store.commits.commits
                let transaction = store.environment.info.lastTransactionID
                let page = try TidemarkError.wrapping { try store.records(in: dataset, RecordQuery(cursor: cursor, limit: pageSize)) }
                if let last = page.records.last {
                    cursor = last.metadata.cursor
                    return page
                }
                repeat {
                    await store.commits.wait(after: commits, timeout: store.options.tailCheckInterval)
                    if Task.isCancelled { return nil }
                } while store.commits.commits == commits && store.environment.info.lastTransactionID == transaction
            }
            return nil
        }
    }
}

extension Store {
    /// A live tail of `dataset` from `cursor` (`nil`: from the start), in pages of at most `pageSize` records
    /// (1…10,000); see ``ChangeFeed``.
    public func changes(in dataset: DatasetKey, after cursor: String? = nil, pageSize: Int = 100) -> ChangeFeed {
        ChangeFeed(store: self, dataset: dataset, cursor: cursor, pageSize: pageSize)
    }
}
