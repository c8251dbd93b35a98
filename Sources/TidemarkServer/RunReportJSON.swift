import Tidemark

/// A run report as the API answers it (`finish`) and as the command line prints it:
///
/// ```json
/// {"run_id": "3", "sync": "contacts", "variant": null, "connection_id": "acme", "provider_config_key": "crm",
///  "status": "success", "started_at": "…", "ended_at": "…", "duration_ms": 1520,
///  "results": {"Contact": {"added": 2, "updated": 1, "deleted": 0}},
///  "checkpoints": {"from": {"since": "…"}, "to": {"since": "…"}}, "error": null}
/// ```
public struct RunReportJSON: Encodable, Sendable {
    /// The report.
    public let report: RunReport

    /// The JSON form of `report`.
    public init(_ report: RunReport) {
        self.report = report
    }

    /// Encodes every member, absent values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.runID, forKey: .runID)
        try container.encode(report.sync.name, forKey: .sync)
        try container.encode(report.sync.variant, forKey: .variant)
        try container.encode(report.sync.connection.connectionID, forKey: .connectionID)
        try container.encode(report.sync.connection.integrationID, forKey: .providerConfigKey)
        try container.encode(report.succeeded ? "success" : "failed", forKey: .status)
        try container.encode(report.startedAt.description, forKey: .startedAt)
        try container.encode(report.endedAt.description, forKey: .endedAt)
        try container.encode(report.durationMilliseconds, forKey: .durationMilliseconds)
        try container.encode(report.models.mapValues(RunCountsJSON.init), forKey: .results)
        try container.encode(CheckpointsJSON(from: report.checkpointFrom?.value, to: report.checkpointTo?.value), forKey: .checkpoints)
        try container.encode(report.error, forKey: .error)
    }

    private enum CodingKeys: String, CodingKey {
        case sync, variant, status, results, checkpoints, error
        case runID = "run_id", connectionID = "connection_id", providerConfigKey = "provider_config_key"
        case startedAt = "started_at", endedAt = "ended_at", durationMilliseconds = "duration_ms"
    }
}

/// One model's counts in a run: `{"added", "updated", "deleted"}`.
struct RunCountsJSON: Encodable {
    var added: Int64
    var updated: Int64
    var deleted: Int64

    init(_ counts: RunCounts) {
        added = counts.added
        updated = counts.updated
        deleted = counts.deleted
    }
}

/// The checkpoint values a run started from and ended with: `{"from": {...} or null, "to": {...} or null}`.
struct CheckpointsJSON: Encodable {
    var from: [String: CheckpointField]?
    var to: [String: CheckpointField]?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
    }

    private enum CodingKeys: String, CodingKey { case from, to }
}
