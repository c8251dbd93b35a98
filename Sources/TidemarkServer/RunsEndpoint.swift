import Hummingbird
import NIOCore
import Tidemark

/// A sync's runs (SPEC §4), for syncs that run outside the server and write through it:
///
/// - `POST /sync/{sync}/runs` with `{"variant"?: "eu"}` begins a run and answers
///   `{"run_id", "checkpoint": {...} or null, "version": n}`, the checkpoint to resume from. A run of the sync still
///   active is closed as failed (and its report sent to the webhook).
/// - `POST /sync/{sync}/runs/{run_id}/track-deletes/{model}/start` opens a deletion window (204).
/// - `POST /sync/{sync}/runs/{run_id}/track-deletes/{model}/end` deletes what the window did not see and answers
///   `{"deleted": [ids]}`; `400 no_delete_window` without a start.
/// - `POST /sync/{sync}/runs/{run_id}/finish` with `{"success": bool, "error"?: "..."}` answers the run report
///   (``RunReportJSON``) and sends it to the webhook.
///
/// Batches name their run with `run_id` to count in its report. Every call after the first takes the sync's
/// variant as the query parameter `variant`. An unknown or finished `run_id` is `404 run_not_found`.
struct RunsEndpoint {
    let store: Store
    let webhooks: WebhookDispatcher?
    let maximumBodySize: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("sync/:sync/runs", use: begin)
        router.post("sync/:sync/runs/:run/track-deletes/:model/start", use: startWindow)
        router.post("sync/:sync/runs/:run/track-deletes/:model/end", use: endWindow)
        router.post("sync/:sync/runs/:run/finish", use: finish)
    }

    @Sendable func begin(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let connection = try request.connection()
        let body = try await request.collectBody(limit: maximumBodySize)
        let variant = try body.readableBytes == 0 ? nil : body.withUnsafeReadableBytes { bytes throws(APIError) in
            let json = JSONSlicer(bytes)
            return try json.decode(BeginRequest.self, in: json.root(), what: "the run request").variant
        }
        let sync = SyncKey(connection: connection, name: try context.parameters.require("sync"), variant: variant)
        let start = try await store.beginRun(sync)
        if let interrupted = start.interruptedRun { webhooks?.send(interrupted) }
        return try JSONResponse.make(RunStartJSON(runID: start.runID, checkpoint: CheckpointState(start.checkpoint)))
    }

    @Sendable func startWindow(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let (sync, run, model) = try window(of: request, context: context)
        try await store.trackDeletesStart(model, sync: sync, runID: run)
        return JSONResponse.noContent
    }

    @Sendable func endWindow(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let (sync, run, model) = try window(of: request, context: context)
        return try JSONResponse.make(["deleted": try await store.trackDeletesEnd(model, sync: sync, runID: run)])
    }

    @Sendable func finish(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let sync = try sync(of: request, context: context)
        let run = try context.parameters.require("run")
        let body = try await request.collectBody(limit: maximumBodySize)
        let outcome = try body.withUnsafeReadableBytes { bytes throws(APIError) in
            let json = JSONSlicer(bytes)
            let finish = try json.decode(FinishRequest.self, in: json.root(), what: "the finish request")
            return finish.success ? RunOutcome.success : RunOutcome.failure(finish.error ?? "the run failed")
        }
        let report = try await store.finishRun(sync, runID: run, outcome: outcome)
        webhooks?.send(report)
        return try JSONResponse.make(RunReportJSON(report))
    }

    private func sync(of request: Request, context: BasicRequestContext) throws -> SyncKey {
        SyncKey(connection: try request.connection(), name: try context.parameters.require("sync"),
                variant: request.uri.queryParameters["variant"].map(String.init))
    }

    private func window(of request: Request, context: BasicRequestContext) throws -> (SyncKey, String, ModelName) {
        let sync = try sync(of: request, context: context)
        return (sync, try context.parameters.require("run"), ModelName(try context.parameters.require("model"), variant: sync.variant))
    }

    private struct BeginRequest: Decodable {
        var variant: String?
    }

    private struct FinishRequest: Decodable {
        var success: Bool
        var error: String?
    }

    /// `{"run_id", "checkpoint", "version"}`.
    private struct RunStartJSON: Encodable {
        var runID: String
        var checkpoint: CheckpointState

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(runID, forKey: .runID)
            try container.encode(checkpoint.checkpoint, forKey: .checkpoint)
            try container.encode(checkpoint.version, forKey: .version)
        }

        private enum CodingKeys: String, CodingKey {
            case checkpoint, version
            case runID = "run_id"
        }
    }
}
