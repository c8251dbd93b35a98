import Hummingbird
import Logging
import Tidemark

/// The HTTP front of a ``Store``: the platform-compatible `GET /records`, batch writes, checkpoints and health.
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

    /// A server for `store`; nothing listens until ``run(onListening:)``.
    public init(store: Store, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger = Logger(label: "tidemark.http")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Listens and serves until the task is cancelled or the process gets SIGINT or SIGTERM, then shuts down
    /// gracefully. `onListening` is called once with the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
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
        HealthEndpoint(store: store).register(on: router)
        RecordsEndpoint(store: store).register(on: router)
        BatchEndpoint(store: store, maximumBodySize: configuration.maximumBodySize).register(on: router)
        CheckpointEndpoint(store: store, maximumBodySize: configuration.maximumBodySize).register(on: router)
        PruneEndpoint(store: store, maximumBodySize: configuration.maximumBodySize).register(on: router)
        return router
    }
}
