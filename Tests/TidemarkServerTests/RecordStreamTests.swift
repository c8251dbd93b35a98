import Foundation
import Testing
import Tidemark
import TidemarkTestSupport
@testable import TidemarkServer

@Suite("GET /records/stream: server-sent events over the live tail (SPEC §3.3)")
struct RecordStreamTests {
    /// An open event stream: the raw bytes read so far, and a way to wait for more.
    final class EventStream {
        let connection: LoopbackConnection
        private(set) var text = ""

        init(server: TestServer, target: String, headers: [(String, String)] = TestServer.connection) async throws {
            connection = try await LoopbackConnection.open(port: server.port)
            try await connection.write(LoopbackHTTP.request(port: server.port, "GET", target, headers: headers, body: nil, close: false))
        }

        deinit { connection.close() }

        /// Reads until `count` events (`data:` lines) or comment lines have arrived in all, and returns the data lines.
        func events(_ count: Int, counting prefix: String = "data: ") async throws -> [String] {
            while lines(prefix).count < count {
                let chunk = try await connection.read()
                guard !chunk.isEmpty else { throw LoopbackError("the stream ended after: \(text)") }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return lines("data: ").map { String($0.dropFirst("data: ".count)) }
        }

        private func lines(_ prefix: String) -> [Substring] {
            text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix(prefix) }
        }
    }

    private func save(_ server: TestServer, _ body: String) async throws {
        let response = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{"Contact":\#(body)}}"#)
        #expect(response.status == 200)
    }

    private func ids(_ event: String) throws -> [String] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any])
        return (json["records"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func theStreamSendsThePastThenFollowsNewCommits() async throws {
        try await TestServer.with { server in
            try await save(server, #"{"save":[{"id":"a"},{"id":"b"}]}"#)
            let stream = try await EventStream(server: server, target: "/records/stream?model=Contact")
            let first = try await stream.events(1)
            #expect(try ids(first[0]) == ["a", "b"])
            #expect(stream.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(stream.text.contains("Content-Type: text/event-stream\r\n"))
            #expect(stream.text.contains("event: records\n"))
            try await save(server, #"{"save":[{"id":"c"}],"delete":[{"id":"a"}]}"#)
            let second = try await stream.events(2)
            #expect(try ids(second[1]) == ["c", "a"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(second[1].utf8)) as? [String: Any])
            let last = try #require((json["records"] as? [[String: Any]])?.last?["_nango_metadata"] as? [String: Any])
            #expect(json["next_cursor"] as? String == last["cursor"] as? String)
            #expect(stream.text.contains("id: \(json["next_cursor"] as? String ?? "?")\n"))
        }
    }

    @Test func filtersAndLastEventIDApply() async throws {
        try await TestServer.with { server in
            try await save(server, #"{"save":[{"id":"a"},{"id":"b"}]}"#)
            let all = try await EventStream(server: server, target: "/records/stream?model=Contact")
            let cursorOfA = try #require((((try JSONSerialization.jsonObject(with: Data(try await all.events(1)[0].utf8)) as? [String: Any])?["records"] as? [[String: Any]])?.first?["_nango_metadata"] as? [String: Any])?["cursor"] as? String)
            let resumed = try await EventStream(server: server, target: "/records/stream?model=Contact", headers: TestServer.connection + [("Last-Event-ID", cursorOfA)])
            #expect(try ids(try await resumed.events(1)[0]) == ["b"])
            let deletedOnly = try await EventStream(server: server, target: "/records/stream?model=Contact&filter=deleted")
            try await save(server, #"{"delete":[{"id":"b"}]}"#)
            #expect(try ids(try await deletedOnly.events(1)[0]) == ["b"])
        }
    }

    @Test func idleStreamsGetHeartbeats() async throws {
        try await TestServer.with(configure: { $0.streamHeartbeat = .milliseconds(20) }) { server in
            let stream = try await EventStream(server: server, target: "/records/stream?model=Contact")
            _ = try await stream.events(2, counting: ": keep-alive")
            #expect(!stream.text.contains("data: "))
        }
    }

    @Test func emptyingTheDatasetEndsTheStreamWithAnErrorEvent() async throws {
        try await TestServer.with { server in
            _ = try await server.send("POST", "/sync/contacts/runs")
            try await save(server, #"{"save":[{"id":"a"}]}"#)
            let stream = try await EventStream(server: server, target: "/records/stream?model=Contact")
            _ = try await stream.events(1)
            let trigger = try await server.send("POST", "/sync/trigger", headers: [], body: #"{"provider_config_key":"crm","connection_id":"acme","syncs":["contacts"],"opts":{"reset":true,"emptyCache":true}}"#)
            #expect(trigger.status == 200)
            let events = try await stream.events(2)
            #expect(stream.text.contains("event: error\n"))
            #expect(events[1].contains(#""code":"cursor_before_empty""#))
        }
    }

    @Test(arguments: [
        ("/records/stream?model=Contact&cursor=bogus", "invalid_cursor"),
        ("/records/stream?model=Contact&limit=5", "invalid_query"),
        ("/records/stream", "invalid_query"),
    ])
    func badStreamsAreAnsweredWithJSONErrors(target: String, code: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send("GET", target)
            #expect(response.status == 400)
            #expect(response.errorCode == code)
        }
    }
}
