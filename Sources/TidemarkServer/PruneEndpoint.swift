import Hummingbird
import NIOCore
import Tidemark

/// `PATCH /records/prune`: drops the payloads of a dataset's records at or before a cursor, oldest first, as the
/// platform's endpoint. Body `{"model", "variant"?, "until_cursor", "limit"?}` (limit 1–10000, default 1000);
/// answers `{"count": n, "has_more": bool}`, `has_more` when unpruned records at or before the cursor remain.
struct PruneEndpoint {
    let store: Store
    let maximumBodySize: Int

    func register(on router: Router<BasicRequestContext>) {
        router.patch("records/prune", use: prune)
    }

    @Sendable func prune(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let connection = try request.connection()
        let body = try await request.collectBody(limit: maximumBodySize)
        let parameters = try body.withUnsafeReadableBytes { bytes throws(APIError) in
            let json = JSONSlicer(bytes)
            return try json.decode(Parameters.self, in: json.root(), what: "the prune request")
        }
        let dataset = DatasetKey(connection: connection, model: ModelName(parameters.model, variant: parameters.variant))
        let result = try await store.prune(dataset, upTo: parameters.untilCursor, limit: parameters.limit ?? 1_000)
        return try JSONResponse.make(PruneAnswer(result))
    }

    private struct Parameters: Decodable {
        var model: String
        var variant: String?
        var untilCursor: String
        var limit: Int?

        enum CodingKeys: String, CodingKey {
            case model, variant, limit
            case untilCursor = "until_cursor"
        }
    }
}
