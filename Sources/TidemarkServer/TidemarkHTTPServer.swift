import Hummingbird
import Logging
import Tidemark

/// The HTTP front of a ``Store``: the platform-compatible `GET /records`, batch writes, checkpoints, runs, sync
/// status and triggers, pruning, a live stream of changes, health, and webhooks for finished runs.
///
/// Every error is `{"error": {"code", "message"}}` (``APIError``); every request is logged on one line
/// (``RequestLogMiddleware``); with a secret key configured, every request needs it (``BearerAuthMiddleware``).
public struct TidemarkHTTPServer: Sendable {
    /// The store served.
    public let store: Store
    /// Where and how the server listens.
    public let configuration: ServerConfiguration
    /// Where request lines and errors go.
    public let logger: Logger
    /// The webhook sender, when ``ServerConfiguration/webhook`` is set.
    public let webhooks: WebhookDispatcher?

    /// A server for `store`; nothing listens until ``run(onListening:)``.
    public init(store: Store, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger = Logger(label: "tidemark.http")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        webhooks = configuration.webhook.map { WebhookDispatcher(configuration: $0, logger: logger) }
    }

    /// Listens and serves until the task is cancelled or the process gets SIGINT or SIGTERM, then shuts down
    /// gracefully. `onListening` is called once with the bound port (useful with port 0). Webhooks are sent
    /// meanwhile; reports still queued when the server stops are not sent.
    public func run(onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        let webhooks = self.webhooks
        let delivery = Task { await webhooks?.run() }
        defer { delivery.cancel() }
        let port = configuration.port
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        try await application.runService()
    }

    /// The routes and middleware; the order of middleware is: log, errors, auth.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: ErrorMiddleware(maximumBodySize: configuration.maximumBodySize))
        if let key = configuration.secretKey {
            router.add(middleware: BearerAuthMiddleware(key: key))
        }
        let limit = configuration.maximumBodySize
        HealthEndpoint(store: store, webhooks: webhooks).register(on: router)
        RecordsEndpoint(store: store).register(on: router)
        RecordStreamEndpoint(store: store, heartbeat: configuration.streamHeartbeat).register(on: router)
        PruneEndpoint(store: store, maximumBodySize: limit).register(on: router)
        BatchEndpoint(store: store, maximumBodySize: limit).register(on: router)
        CheckpointEndpoint(store: store, maximumBodySize: limit).register(on: router)
        RunsEndpoint(store: store, webhooks: webhooks, maximumBodySize: limit).register(on: router)
        SyncStatusEndpoint(store: store, webhooks: webhooks).register(on: router)
        SyncTriggerEndpoint(store: store, webhooks: webhooks, maximumBodySize: limit).register(on: router)
        return router
    }
}
