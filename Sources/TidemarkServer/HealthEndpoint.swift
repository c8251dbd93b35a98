import Hummingbird
import Tidemark

/// `GET /health`: 200 with the store's basic state, `{"status": "ok", "datasets", "records", "deleted_records",
/// "payload_bytes"}`, read from the dataset catalog (never from the records), and with webhooks configured
/// `"webhooks": {"delivered", "failed", "lastError", "pending"}`.
struct HealthEndpoint {
    let store: Store
    let webhooks: WebhookDispatcher?

    func register(on router: Router<BasicRequestContext>) {
        router.get("health", use: health)
    }

    @Sendable func health(_ request: Request, context: BasicRequestContext) throws -> Response {
        let datasets = try store.datasets()
        return try JSONResponse.make(Health(
            status: "ok",
            datasets: datasets.count,
            records: datasets.reduce(0) { $0 + $1.counts.live },
            deletedRecords: datasets.reduce(0) { $0 + $1.counts.deleted },
            payloadBytes: datasets.reduce(0) { $0 + $1.counts.payloadBytes },
            webhooks: webhooks.map { Webhooks(statistics: $0.statistics) }))
    }

    private struct Health: Encodable {
        var status: String
        var datasets: Int
        var records: Int64
        var deletedRecords: Int64
        var payloadBytes: Int64
        var webhooks: Webhooks?

        enum CodingKeys: String, CodingKey {
            case status, datasets, records, webhooks
            case deletedRecords = "deleted_records"
            case payloadBytes = "payload_bytes"
        }
    }

    private struct Webhooks: Encodable {
        let statistics: WebhookDispatcher.Statistics

        func encode(to encoder: any Encoder) throws {
            try WebhookJSON(delivered: statistics.delivered, failed: statistics.failed, lastError: statistics.lastError).encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(statistics.pending, forKey: .pending)
        }

        private enum CodingKeys: String, CodingKey { case pending }
    }
}
