import Hummingbird
import NIOCore
import Tidemark

/// `POST /sync/trigger`: prepares syncs of a connection for a new run, as the platform's endpoint:
///
/// ```json
/// {"provider_config_key": "crm", "connection_id": "acme", "syncs": ["contacts", {"name": "deals", "variant": "eu"}],
///  "opts": {"reset": true, "emptyCache": false}}
/// ```
///
/// With `reset`, each sync's checkpoint is cleared and its deletion windows closed (the records are kept); with
/// `emptyCache` too, its datasets are hard-deleted and their old cursors rejected from then on. `emptyCache` without
/// `reset` is `400 invalid_request`. An active run of a reset sync is closed as failed (and reported by webhook).
/// Syncs run outside the server: the next run they begin starts from the cleared state. Answers
/// `{"success": true}`.
struct SyncTriggerEndpoint {
    let store: Store
    let webhooks: WebhookDispatcher?
    let maximumBodySize: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("sync/trigger", use: trigger)
    }

    @Sendable func trigger(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: maximumBodySize)
        let trigger = try body.withUnsafeReadableBytes { bytes throws(APIError) in
            let json = JSONSlicer(bytes)
            return try json.decode(TriggerRequest.self, in: json.root(), what: "the trigger request")
        }
        guard !trigger.syncs.isEmpty else { throw APIError.invalidBody("'syncs' names no sync") }
        let reset = trigger.opts?.reset ?? false
        let emptyCache = trigger.opts?.emptyCache ?? false
        let connection = ConnectionKey(integrationID: trigger.providerConfigKey, connectionID: trigger.connectionID)
        for entry in trigger.syncs {
            let summary = try await store.trigger(SyncKey(connection: connection, name: entry.name, variant: entry.variant),
                                                  reset: reset, emptyCache: emptyCache)
            if let interrupted = summary.interruptedRun { webhooks?.send(interrupted) }
        }
        return try JSONResponse.make(["success": true])
    }

    private struct TriggerRequest: Decodable {
        var providerConfigKey: String
        var connectionID: String
        var syncs: [SyncName]
        var opts: Options?

        enum CodingKeys: String, CodingKey {
            case syncs, opts
            case providerConfigKey = "provider_config_key"
            case connectionID = "connection_id"
        }
    }

    /// `"name"`, or `{"name", "variant"}`.
    private struct SyncName: Decodable {
        var name: String
        var variant: String?

        init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self.name = name
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            variant = try container.decodeIfPresent(String.self, forKey: .variant)
        }

        private enum CodingKeys: String, CodingKey { case name, variant }
    }

    private struct Options: Decodable {
        var reset: Bool?
        var emptyCache: Bool?
    }
}
