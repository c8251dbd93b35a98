import Foundation
import TidemarkTestSupport
import Logging
import Tidemark
@testable import TidemarkServer

/// A ``TidemarkHTTPServer`` on a free loopback port over a store in a fresh temporary directory, for the length
/// of one test.
final class TestServer: Sendable {
    let store: Store
    let port: Int
    let clock: ManualClock
    let log: CapturedLog

    /// The platform client's connection headers for the connection `crm`/`acme`.
    static let connection = [("Connection-Id", "acme"), ("Provider-Config-Key", "crm")]

    private init(store: Store, port: Int, clock: ManualClock, log: CapturedLog) {
        self.store = store
        self.port = port
        self.clock = clock
        self.log = log
    }

    /// Runs `body` against a running server; the server stops and the store is removed afterwards.
    static func with(configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-server-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        var options = StoreOptions()
        options.clock = clock
        options.durability = .relaxed
        let store = try Store(directory: directory, options: options)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        let log = CapturedLog()
        var logger = Logger(label: "tidemark.test") { _ in log }
        logger.logLevel = .info
        let server = TidemarkHTTPServer(store: store, configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await server.run { port in continuation.yield(port) } }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw LoopbackError("the server did not start") }
        try await body(TestServer(store: store, port: port, clock: clock, log: log))
        running.cancel()
        _ = await running.result
    }

    /// Sends a request with the connection headers (unless `headers` is given).
    func send(_ method: String, _ target: String, headers: [(String, String)] = TestServer.connection, body: String? = nil) async throws -> LoopbackHTTP.Response {
        try await LoopbackHTTP.send(port: port, method, target, headers: headers + (body == nil ? [] : [("Content-Type", "application/json")]),
                                    body: body.map { Array($0.utf8) })
    }
}

/// A log handler that keeps every message, to check what the server logs.
final class CapturedLog: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { captured.append("\(event.level) \(event.message)") }
    }

    /// The messages so far.
    var messages: [String] { lock.withLock { captured } }
}
