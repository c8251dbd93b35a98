extension Store {
    /// Applies the payload TTL (SPEC §5): in every dataset, drops the payload of each record whose
    /// `last_modified_at` is older than its model's TTL (``RetentionPolicy/payloadTTL(for:)``) at the store clock's
    /// now. Pruned records keep their position, `last_action`, timestamps and hash, and read back as `{"id": …}` with
    /// `pruned_at` set. Returns how many payloads it dropped; records already pruned are neither touched nor counted.
    ///
    /// Runs in bounded transactions (``RetentionPolicy/recordsPerTransaction``) in turn with the batches; each
    /// dataset's progress is committed with every step, so after a crash a new call goes on where the last step ended.
    @discardableResult
    public func applyPayloadTTL() async throws -> Int {
        let policy = options.retention
        try policy.validate()
        let now = options.clock.now()
        return try await prunePayloads(now: now) { RetentionPolicy.cutoff(policy.payloadTTL(for: $0.model), before: now) }
    }

    /// Drops, in every dataset, the payload of each record last modified before `cutoff`, whatever the TTLs say;
    /// otherwise as ``applyPayloadTTL()``. Returns how many payloads it dropped.
    @discardableResult
    public func prunePayloads(olderThan cutoff: Timestamp) async throws -> Int {
        try options.retention.validate()
        return try await prunePayloads(now: options.clock.now()) { _ in cutoff }
    }

    /// Prunes every current dataset up to the cutoff `cutoff` gives for it (`nil`: not at all).
    private func prunePayloads(now: Timestamp, cutoff: (DatasetKey) -> Timestamp?) async throws -> Int {
        let catalog = DatasetCatalog(layout: layout)
        var total = 0
        var after: UInt32 = 0
        while let dataset = try read({ txn in try catalog.current(after: after, in: txn) }) {
            after = dataset.id
            guard let cutoff = cutoff(dataset.key) else { continue }
            total += try await prunePayloads(ofDataset: dataset.id, within: .modifiedBefore(cutoff), limit: .max, now: now).pruned
        }
        return total
    }
}
