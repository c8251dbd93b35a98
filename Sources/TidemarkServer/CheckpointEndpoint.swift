import Hummingbird
import NIOCore
import Tidemark

/// `GET`, `PUT` and `DELETE /sync/{sync}/checkpoint` (query `variant` for a sync variant).
///
/// - `GET` answers `{"checkpoint": {...} or null, "version": n}` (``CheckpointState``); version 0 when it was
///   never written.
/// - `PUT` takes `{"checkpoint": {...}, "expected_version"?: n or null}` and answers as `GET`.
/// - `DELETE` takes an optional `expected_version` query (an integer, or `null`) and answers 204.
///
/// A version mismatch is `409 checkpoint_conflict` and writes nothing; a value that breaks the rules is
/// `400 invalid_checkpoint` naming the field.
struct CheckpointEndpoint {
    let store: Store
    let maximumBodySize: Int

    func register(on router: Router<BasicRequestContext>) {
        router.get("sync/:sync/checkpoint", use: get)
        router.put("sync/:sync/checkpoint", use: put)
        router.delete("sync/:sync/checkpoint", use: delete)
    }

    @Sendable func get(_ request: Request, context: BasicRequestContext) throws -> Response {
        try JSONResponse.make(CheckpointState(try store.checkpoint(of: try sync(of: request, context: context))))
    }

    @Sendable func put(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let sync = try sync(of: request, context: context)
        let body = try await request.collectBody(limit: maximumBodySize)
        let write = try body.withUnsafeReadableBytes { bytes throws(APIError) -> CheckpointWrite in
            let json = JSONSlicer(bytes)
            var value: [String: CheckpointField]?
            var expected: Range<Int>?
            for (key, member) in try json.members(ofObjectIn: json.root()) {
                switch key {
                case "checkpoint": value = try CheckpointJSON.value(in: member, of: json)
                case "expected_version": expected = member
                default: throw .invalidBody("unknown member '\(key.prefix(80))'; the body is {\"checkpoint\": {...}, \"expected_version\": n}")
                }
            }
            guard let value else { throw .invalidBody("'checkpoint' is required") }
            return .set(value, expected: try CheckpointJSON.expectedVersion(in: expected, of: json))
        }
        return try JSONResponse.make(CheckpointState(try await store.write(batch(for: sync, write)).checkpoint))
    }

    @Sendable func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let sync = try sync(of: request, context: context)
        let expected = try CheckpointJSON.expectedVersion(query: request.uri.queryParameters["expected_version"].map(String.init))
        try await store.write(batch(for: sync, .clear(expected: expected)))
        return JSONResponse.noContent
    }

    private func sync(of request: Request, context: BasicRequestContext) throws -> SyncKey {
        SyncKey(connection: try request.connection(), name: try context.parameters.require("sync"),
                variant: request.uri.queryParameters["variant"].map(String.init))
    }

    private func batch(for sync: SyncKey, _ write: CheckpointWrite) -> Batch {
        var batch = Batch(connection: sync.connection, sync: sync.name, syncVariant: sync.variant)
        batch.checkpoint = write
        return batch
    }
}
