import Hummingbird
import NIOCore
import Tidemark

/// `POST /sync/{sync}/batch`: writes one batch atomically and answers its summary (``BatchRequest``,
/// ``BatchResponse``). A checkpoint version mismatch is `409 checkpoint_conflict` and writes nothing.
struct BatchEndpoint {
    let store: Store
    let maximumBodySize: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("sync/:sync/batch", use: write)
    }

    @Sendable func write(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let connection = try request.connection()
        let sync = try context.parameters.require("sync")
        let body = try await request.collectBody(limit: maximumBodySize)
        let batch = try body.withUnsafeReadableBytes { bytes throws(APIError) in
            try BatchRequest(body: bytes, connection: connection, sync: sync).batch
        }
        return try JSONResponse.make(BatchResponse(try await store.write(batch)))
    }
}
