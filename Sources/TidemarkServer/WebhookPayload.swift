import Tidemark

/// The body of one webhook, shaped like the integrations platform's sync webhook: one per model a run changed (one
/// with `model: null` for a run that changed none).
///
/// ```json
/// {"from": "tidemark", "type": "sync", "connectionId": "acme", "providerConfigKey": "crm", "syncName": "contacts",
///  "syncVariant": "base", "model": "Contact", "responseResults": {"added": 2, "updated": 1, "deleted": 0},
///  "syncType": "INCREMENTAL", "modifiedAfter": "…", "queryTimeStamp": "…", "checkpoints": {"from": {…}, "to": {…}},
///  "success": true, "runId": "3", "error": null}
/// ```
///
/// `modifiedAfter` is when the run began: `GET /records?modified_after=` with it returns what the run changed.
/// `syncType` is `INCREMENTAL` when the run resumed from a checkpoint, `INITIAL` otherwise.
struct WebhookPayload: Encodable {
    let report: RunReport
    let model: String?

    /// The bodies for `report`, one per model.
    static func payloads(for report: RunReport) -> [WebhookPayload] {
        let models = report.models.keys.sorted()
        return models.isEmpty ? [WebhookPayload(report: report, model: nil)] : models.map { WebhookPayload(report: report, model: $0) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("tidemark", forKey: .from)
        try container.encode("sync", forKey: .type)
        try container.encode(report.sync.connection.connectionID, forKey: .connectionId)
        try container.encode(report.sync.connection.integrationID, forKey: .providerConfigKey)
        try container.encode(report.sync.name, forKey: .syncName)
        try container.encode(report.sync.variant ?? "base", forKey: .syncVariant)
        try container.encode(model, forKey: .model)
        try container.encode(RunCountsJSON(model.flatMap { report.models[$0] } ?? RunCounts()), forKey: .responseResults)
        try container.encode(report.checkpointFrom?.value == nil ? "INITIAL" : "INCREMENTAL", forKey: .syncType)
        try container.encode(report.startedAt.description, forKey: .modifiedAfter)
        try container.encode(report.endedAt.description, forKey: .queryTimeStamp)
        try container.encode(CheckpointsJSON(from: report.checkpointFrom?.value, to: report.checkpointTo?.value), forKey: .checkpoints)
        try container.encode(report.succeeded, forKey: .success)
        try container.encode(report.runID, forKey: .runId)
        try container.encode(report.error, forKey: .error)
    }

    private enum CodingKeys: String, CodingKey {
        case from, type, connectionId, providerConfigKey, syncName, syncVariant, model, responseResults, syncType
        case modifiedAfter, queryTimeStamp, checkpoints, success, runId, error
    }
}
