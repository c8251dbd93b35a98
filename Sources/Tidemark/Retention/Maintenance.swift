/// What one ``Store/runMaintenance()`` did.
public struct MaintenanceReport: Equatable, Sendable {
    /// Datasets retired by the full-record TTL.
    public var expiredDatasets = 0
    /// Records removed from emptied datasets (expired ones, and those emptied by a reset with emptyCache).
    public var purgedRecords = 0
    /// Payloads dropped by the payload TTL.
    public var prunedPayloads = 0

    /// Creates a report.
    public init(expiredDatasets: Int = 0, purgedRecords: Int = 0, prunedPayloads: Int = 0) {
        self.expiredDatasets = expiredDatasets
        self.purgedRecords = purgedRecords
        self.prunedPayloads = prunedPayloads
    }
}

extension Store {
    /// Runs every retention rule once (SPEC §5), on demand: the full-record TTL
    /// (``applyFullRecordTTL()``), then the purge of emptied datasets
    /// (``purgeEmptiedDatasets(entriesPerTransaction:)``), then the payload TTL (``applyPayloadTTL()``).
    ///
    /// Every step is a bounded write transaction in turn with the batches, so writers and readers go on meanwhile,
    /// and a crash at any point leaves a consistent store on which the next run completes the work. A store opened
    /// with ``StoreOptions/maintenanceInterval`` also runs this periodically by itself. Log compaction needs no
    /// step here: a batch removes a record's previous log entry when it appends the new one (see
    /// ``spaceReport()``).
    @discardableResult
    public func runMaintenance() async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        report.expiredDatasets = try await applyFullRecordTTL()
        report.purgedRecords = try await purgeEmptiedDatasets(entriesPerTransaction: options.retention.recordsPerTransaction)
        report.prunedPayloads = try await applyPayloadTTL()
        return report
    }
}
