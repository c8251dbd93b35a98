/// What ``Store/prune(_:upTo:limit:)`` did: the platform's `{count, has_more}`.
public struct PruneResult: Equatable, Sendable {
    /// How many records had their payload dropped by this call.
    public var count: Int
    /// Whether records at or before the cursor are still unpruned (the limit was reached first).
    public var hasMore: Bool

    /// Creates a result.
    public init(count: Int, hasMore: Bool) {
        self.count = count
        self.hasMore = hasMore
    }
}

extension Store {
    /// The largest `limit` of ``prune(_:upTo:limit:)``, as on the platform.
    public static let maximumPruneLimit = 10_000

    /// Prunes up to a cursor (SPEC §5, the platform's `PATCH /records/prune`): drops the payload of the
    /// not-yet-pruned records of `dataset` whose position is at or before `cursor`, oldest first, at most `limit`
    /// of them. Deleted records are pruned too; already-pruned ones are skipped and not counted. A record changed
    /// after the cursor was handed out has moved past it and is untouched.
    ///
    /// Throws ``TidemarkError/invalidQuery(_:)`` for a limit outside 1…``maximumPruneLimit``, and the cursor
    /// errors of a read (``TidemarkError/malformedCursor``, ``TidemarkError/cursorFromAnotherDataset``,
    /// ``TidemarkError/cursorBeforeEmpty``). Runs in bounded transactions in turn with the batches.
    public func prune(_ dataset: DatasetKey, upTo cursor: String, limit: Int = 1_000) async throws -> PruneResult {
        try dataset.validate()
        guard (1...Self.maximumPruneLimit).contains(limit) else {
            throw TidemarkError.invalidQuery("limit must be between 1 and \(Self.maximumPruneLimit), not \(limit)")
        }
        try options.retention.validate()
        let position = try StreamCursor(parsing: cursor)
        let reader = StreamReader(layout: layout)
        let sequence = try read { txn in
            try reader.position(of: position, for: dataset, currentID: try reader.catalog.id(of: dataset, in: txn), in: txn)
        }
        let result = try await prunePayloads(ofDataset: position.dataset, within: .atOrBefore(sequence: sequence), limit: limit,
                                             now: options.clock.now())
        return PruneResult(count: result.pruned, hasMore: result.hasMore)
    }
}
