import Tidemark

/// A prune's result as `PATCH /records/prune` answers it (and `tidemark prune --json` prints it):
/// `{"count": n, "has_more": bool}`.
public struct PruneAnswer: Encodable, Sendable {
    /// Records pruned.
    public var count: Int
    /// Whether unpruned records at or before the cursor remain.
    public var hasMore: Bool

    /// The answer for `result`.
    public init(_ result: PruneResult) {
        count = result.count
        hasMore = result.hasMore
    }

    enum CodingKeys: String, CodingKey {
        case count
        case hasMore = "has_more"
    }
}
