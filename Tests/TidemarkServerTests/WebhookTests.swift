import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Testing
import Tidemark
import TidemarkTestSupport
@testable import TidemarkServer

@Suite("Webhooks for finished runs")
struct WebhookTests {
    /// A webhook receiver on a loopback port: it answers each POST with the next of `statuses` (then 200) and
    /// hands every request it got to ``requests``.
    final class Receiver: Sendable {
        struct Delivery: Sendable {
            var body: [UInt8]
            var signature: String?
            var contentType: String?
        }

        let requests: AsyncStream<Delivery>
        let port: Int
        private let task: Task<Void, any Error>

        private init(requests: AsyncStream<Delivery>, port: Int, task: Task<Void, any Error>) {
            self.requests = requests
            self.port = port
            self.task = task
        }

        static func start(statuses: [HTTPResponse.Status] = []) async throws -> Receiver {
            let (requests, delivered) = AsyncStream.makeStream(of: Delivery.self)
            let script = Script(statuses)
            let router = Router()
            router.post("hook") { request, context -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                delivered.yield(Delivery(body: Array(body.readableBytesView),
                                         signature: request.headers[HTTPField.Name(WebhookConfiguration.signatureHeader)!],
                                         contentType: request.headers[.contentType]))
                return Response(status: script.next())
            }
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                          onServerRunning: { listening.yield($0.localAddress?.port ?? 0) },
                                          logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
            let task = Task { try await application.run() }
            var iterator = ports.makeAsyncIterator()
            return Receiver(requests: requests, port: await iterator.next() ?? 0, task: task)
        }

        var url: URL { URL(string: "http://127.0.0.1:\(port)/hook")! }

        deinit { task.cancel() }
    }

    /// The statuses a receiver answers, in turn.
    final class Script: @unchecked Sendable {
        private let lock = NSLock()
        private var statuses: [HTTPResponse.Status]

        init(_ statuses: [HTTPResponse.Status]) { self.statuses = statuses }

        func next() -> HTTPResponse.Status {
            lock.withLock { statuses.isEmpty ? .ok : statuses.removeFirst() }
        }
    }

    private func configure(_ receiver: Receiver, attempts: Int = 3) -> (inout ServerConfiguration) -> Void {
        { configuration in
            var webhook = WebhookConfiguration(url: receiver.url, secret: "whsec")
            webhook.initialBackoff = .milliseconds(5)
            webhook.maximumAttempts = attempts
            configuration.webhook = webhook
        }
    }

    /// Runs `contacts` once: saves a and b (in `Contact`) and x (in `Company`), then finishes.
    private func run(_ server: TestServer, run: String = "1", success: Bool = true) async throws {
        _ = try await server.send("POST", "/sync/contacts/runs")
        let batch = try await server.send("POST", "/sync/contacts/batch", body: #"{"run_id":"\#(run)","models":{"Contact":{"save":[{"id":"a"},{"id":"b"}]},"Company":{"save":[{"id":"x"}]}},"checkpoint":{"set":{"page":\#(run)}}}"#)
        #expect(batch.status == 200)
        let finish = try await server.send("POST", "/sync/contacts/runs/\(run)/finish", body: success ? #"{"success":true}"# : #"{"success":false,"error":"boom"}"#)
        #expect(finish.status == 200)
    }

    private func json(_ delivery: Receiver.Delivery) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
    }

    @Test func eachFinishedRunIsPostedPerModelAndSigned() async throws {
        let receiver = try await Receiver.start()
        try await TestServer.with(configure: configure(receiver)) { server in
            try await run(server)
            var deliveries = receiver.requests.makeAsyncIterator()
            let company = try #require(await deliveries.next())
            let contact = try #require(await deliveries.next())
            for delivery in [company, contact] {
                let expected = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Array("whsec".utf8)))
                #expect(delivery.signature == expected.map { String(format: "%02x", $0) }.joined())
                #expect(delivery.contentType == "application/json")
            }
            #expect(String(decoding: contact.body, as: UTF8.self) == #"{"checkpoints":{"from":null,"to":{"page":1}},"connectionId":"acme","error":null,"from":"tidemark","model":"Contact","modifiedAfter":"2023-11-14T22:13:20.000Z","providerConfigKey":"crm","queryTimeStamp":"2023-11-14T22:13:20.000Z","responseResults":{"added":2,"deleted":0,"updated":0},"runId":"1","success":true,"syncName":"contacts","syncType":"INITIAL","syncVariant":"base","type":"sync"}"#)
            #expect(try json(company)["model"] as? String == "Company")
            #expect((try json(company)["responseResults"] as? [String: Int])?["added"] == 1)
        }
    }

    @Test func aFailedDeliveryIsRetriedWithBackoff() async throws {
        let receiver = try await Receiver.start(statuses: [.internalServerError, .serviceUnavailable])
        try await TestServer.with(configure: configure(receiver)) { server in
            _ = try await server.send("POST", "/sync/contacts/runs")
            _ = try await server.send("POST", "/sync/contacts/runs/1/finish", body: #"{"success":false,"error":"boom"}"#)
            var deliveries = receiver.requests.makeAsyncIterator()
            var bodies: [[UInt8]] = []
            for _ in 0..<3 { bodies.append(try #require(await deliveries.next()).body) }
            #expect(Set(bodies.map { String(decoding: $0, as: UTF8.self) }).count == 1)
            let payload = try #require(try JSONSerialization.jsonObject(with: Data(bodies[0])) as? [String: Any])
            #expect(payload["success"] as? Bool == false)
            #expect(payload["error"] as? String == "boom")
            #expect(payload["model"] is NSNull)
        }
    }

    @Test func aDeliveryThatKeepsFailingIsCountedAndVisibleInStatus() async throws {
        let receiver = try await Receiver.start(statuses: [.internalServerError, .internalServerError])
        try await TestServer.with(configure: configure(receiver, attempts: 2)) { server in
            _ = try await server.send("POST", "/sync/contacts/runs")
            _ = try await server.send("POST", "/sync/contacts/runs/1/finish", body: #"{"success":true}"#)
            _ = try await server.send("POST", "/sync/contacts/runs")
            _ = try await server.send("POST", "/sync/contacts/runs/2/finish", body: #"{"success":true}"#)
            var deliveries = receiver.requests.makeAsyncIterator()
            for _ in 0..<3 { _ = try #require(await deliveries.next()) }  // two failed attempts of run 1, then run 2
            let status = try await server.send("GET", "/sync/status?provider_config_key=crm&connection_id=acme&syncs=contacts", headers: [])
            let webhook = try #require(((try status.json["syncs"] as? [[String: Any]])?.first)?["webhook"] as? [String: Any])
            #expect(webhook["failed"] as? Int == 1)
            #expect(webhook["lastError"] as? String == "the receiver answered 500 (after 2 attempts)")
            let health = try await server.send("GET", "/health", headers: [])
            #expect((try health.json["webhooks"] as? [String: Any])?["failed"] as? Int == 1)
        }
    }

    @Test func webhooksNeverDelayTheRequestThatFinishesARun() async throws {
        let receiver = try await Receiver.start(statuses: [.internalServerError])
        try await TestServer.with(configure: { configuration in
            var webhook = WebhookConfiguration(url: receiver.url, secret: "whsec")
            webhook.initialBackoff = .seconds(60)
            configuration.webhook = webhook
        }) { server in
            try await run(server)
            var deliveries = receiver.requests.makeAsyncIterator()
            _ = try #require(await deliveries.next())  // the first attempt failed; the retry waits a minute
            try await run(server, run: "2")
            let status = try await server.send("GET", "/sync/status?provider_config_key=crm&connection_id=acme&syncs=contacts", headers: [])
            #expect(((try status.json["syncs"] as? [[String: Any]])?.first)?["status"] as? String == "SUCCESS")
        }
    }
}
