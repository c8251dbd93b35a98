/// How long a store keeps what it holds (SPEC §5), and how much retention work one transaction may do.
///
/// Both TTLs count from the store's clock (``StoreOptions/clock``), so tests move time instead of waiting. A TTL of
/// zero turns that rule off; a negative one is rejected when maintenance runs.
public struct RetentionPolicy: Sendable, Equatable {
    /// Payload TTL: a record whose `last_modified_at` is older than this loses its payload (it reads back as
    /// `{"id": …}` with `pruned_at` set). Default 30 days; zero turns it off.
    public var payloadTTL: Duration = .seconds(30 * 86_400)
    /// Payload TTLs of particular models, overriding ``payloadTTL``: keyed by model name (`Contact`, every variant)
    /// or by model and variant (`Contact::eu`, which wins over the bare name). Zero turns pruning off for that model.
    public var modelPayloadTTLs: [String: Duration] = [:]
    /// Full-record TTL: a dataset none of whose syncs has written to it for this long is hard-deleted, with its
    /// counts, and its cursors are rejected afterwards. Default 60 days; zero turns it off.
    public var fullRecordTTL: Duration = .seconds(60 * 86_400)
    /// The most records (or datasets) one retention transaction examines, so that no maintenance transaction holds
    /// the writer for long and a crash loses at most one step.
    public var recordsPerTransaction: Int = 1_000

    /// The default policy: payloads kept 30 days, datasets 60 days, 1,000 records per transaction.
    public init() {}

    /// The payload TTL of `model`: its ``modelPayloadTTLs`` entry (variant first), else ``payloadTTL``.
    public func payloadTTL(for model: ModelName) -> Duration {
        modelPayloadTTLs[model.description] ?? modelPayloadTTLs[model.name] ?? payloadTTL
    }

    /// Throws ``TidemarkError/invalidRequest(_:)`` naming the setting that is out of range.
    func validate() throws(TidemarkError) {
        try Self.check(payloadTTL, named: "payloadTTL")
        try Self.check(fullRecordTTL, named: "fullRecordTTL")
        for (model, ttl) in modelPayloadTTLs { try Self.check(ttl, named: "modelPayloadTTLs[\"\(model)\"]") }
        guard recordsPerTransaction >= 1 else {
            throw .invalidRequest("StoreOptions.retention.recordsPerTransaction is \(recordsPerTransaction); it must be at least 1")
        }
    }

    private static func check(_ ttl: Duration, named name: String) throws(TidemarkError) {
        guard ttl >= .zero else {
            throw .invalidRequest("StoreOptions.retention.\(name) is negative (\(ttl)); use a positive duration, or zero to turn it off")
        }
    }

    /// The instant before which a change is older than `ttl` at `now`; `nil` when `ttl` is zero (the rule is off).
    static func cutoff(_ ttl: Duration, before now: Timestamp) -> Timestamp? {
        guard ttl > .zero else { return nil }
        let (seconds, attoseconds) = ttl.components
        return now.adding(milliseconds: -(seconds * 1_000 + attoseconds / 1_000_000_000_000_000))
    }
}
