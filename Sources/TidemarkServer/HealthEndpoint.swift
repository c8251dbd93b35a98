import Hummingbird
import Tidemark

/// `GET /health`: 200 with the store's basic state, `{"status": "ok", "datasets", "records", "deleted_records",
/// "payload_bytes"}`, read from the dataset catalog (never from the records).
struct HealthEndpoint {
    let store: Store

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
            payloadBytes: datasets.reduce(0) { $0 + $1.counts.payloadBytes }))
    }

    private struct Health: Encodable {
        var status: String
        var datasets: Int
        var records: Int64
        var deletedRecords: Int64
        var payloadBytes: Int64

        enum CodingKeys: String, CodingKey {
            case status, datasets, records
            case deletedRecords = "deleted_records"
            case payloadBytes = "payload_bytes"
        }
    }
}
