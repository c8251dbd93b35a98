import Hummingbird
import Tidemark

/// `GET /sync/status?provider_config_key=crm&connection_id=acme&syncs=contacts,deals` (or `syncs=*`): the state
/// of each sync of a connection, in the platform's shape:
///
/// ```json
/// {"syncs": [{"id": "crm/acme/contacts", "connection_id": "acme", "name": "contacts", "variant": "base",
///             "status": "SUCCESS", "type": "INCREMENTAL", "finishedAt": "…", "nextScheduledSyncAt": null,
///             "frequency": null, "latestResult": {"Contact": {"added": 2, "updated": 0, "deleted": 1}},
///             "recordCount": {"Contact": 41}, "checkpoint": {"since": "…"},
///             "webhook": {"delivered": 3, "failed": 0, "lastError": null}}]}
/// ```
///
/// `status` is `RUNNING` while a run is active, else `SUCCESS` or `ERROR` after the last run, `STOPPED` before any;
/// `type` is `INCREMENTAL` when that run resumed from a checkpoint, `INITIAL` otherwise. Syncs run outside the
/// server, so `nextScheduledSyncAt` and `frequency` are `null`. A named sync the store has never seen is listed
/// as `STOPPED` with nothing recorded; a name matches every variant of the sync. `webhook` is present when
/// webhooks are configured.
struct SyncStatusEndpoint {
    let store: Store
    let webhooks: WebhookDispatcher?

    func register(on router: Router<BasicRequestContext>) {
        router.get("sync/status", use: status)
    }

    @Sendable func status(_ request: Request, context: BasicRequestContext) throws -> Response {
        let parameters = request.uri.queryParameters
        func required(_ name: Substring) throws(APIError) -> String {
            guard let value = parameters[name], !value.isEmpty else { throw .invalidQuery("the query parameter '\(name)' is required") }
            return String(value)
        }
        let connection = ConnectionKey(integrationID: try required("provider_config_key"), connectionID: try required("connection_id"))
        let names = try required("syncs")
        let known = try store.syncs(of: connection)
        var selected: [SyncKey] = []
        if names == "*" {
            selected = known
        } else {
            for name in names.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                let variants = known.filter { $0.name == name }
                selected += variants.isEmpty ? [SyncKey(connection: connection, name: name)] : variants
            }
        }
        let entries = try selected.map { sync in StatusJSON(status: try store.status(of: sync), webhook: webhooks?.statistics(of: sync) ?? (webhooks == nil ? nil : .init())) }
        return try JSONResponse.make(["syncs": entries])
    }

    /// One sync's entry.
    private struct StatusJSON: Encodable {
        let status: SyncStatus
        let webhook: WebhookDispatcher.Statistics?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let sync = status.sync
            let lastRun = status.lastRun
            try container.encode(sync.description, forKey: .id)
            try container.encode(sync.connection.connectionID, forKey: .connectionID)
            try container.encode(sync.name, forKey: .name)
            try container.encode(sync.variant ?? "base", forKey: .variant)
            let state = status.activeRun != nil ? "RUNNING" : lastRun.map { $0.succeeded ? "SUCCESS" : "ERROR" } ?? "STOPPED"
            try container.encode(state, forKey: .status)
            let resumed = status.activeRun != nil ? status.checkpoint?.value != nil : lastRun.map { $0.checkpointFrom?.value != nil }
            try container.encode(resumed.map { $0 ? "INCREMENTAL" : "INITIAL" }, forKey: .type)
            try container.encode(lastRun?.endedAt.description, forKey: .finishedAt)
            try container.encode(String?.none, forKey: .nextScheduledSyncAt)
            try container.encode(String?.none, forKey: .frequency)
            try container.encode((lastRun?.models ?? [:]).mapValues(RunCountsJSON.init), forKey: .latestResult)
            try container.encode(status.records.mapValues(\.live), forKey: .recordCount)
            try container.encode(status.checkpoint?.value, forKey: .checkpoint)
            if let webhook {
                try container.encode(WebhookJSON(delivered: webhook.delivered, failed: webhook.failed, lastError: webhook.lastError), forKey: .webhook)
            }
        }

        private enum CodingKeys: String, CodingKey {
            case id, name, variant, status, type, finishedAt, nextScheduledSyncAt, frequency, latestResult, recordCount, checkpoint, webhook
            case connectionID = "connection_id"
        }
    }
}

/// Webhook deliveries as `/sync/status` and `/health` show them: `{"delivered", "failed", "lastError"}`.
struct WebhookJSON: Encodable {
    var delivered: Int
    var failed: Int
    var lastError: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivered, forKey: .delivered)
        try container.encode(failed, forKey: .failed)
        try container.encode(lastError, forKey: .lastError)
    }

    private enum CodingKeys: String, CodingKey { case delivered, failed, lastError }
}
