import Foundation
import Testing
import Tidemark
import TidemarkTestSupport
@testable import TidemarkServer

@Suite("PATCH /records/prune (SPEC §5)")
struct PruneEndpointTests {
    /// Saves five contacts and returns their cursors in stream order.
    private func seed(_ server: TestServer) async throws -> [String] {
        let saved = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{"Contact":{"save":[{"id":"a","v":1},{"id":"b"},{"id":"c"},{"id":"d"},{"id":"e"}]}}}"#)
        #expect(saved.status == 200)
        let page = try await server.send("GET", "/records?model=Contact")
        let records = try #require(try page.json["records"] as? [[String: Any]])
        return records.compactMap { ($0["_nango_metadata"] as? [String: Any])?["cursor"] as? String }
    }

    @Test func pruningGoesUpToTheCursorInSteps() async throws {
        try await TestServer.with { server in
            let cursors = try await seed(server)
            let body = #"{"model":"Contact","until_cursor":"\#(cursors[2])","limit":2}"#
            let first = try await server.send("PATCH", "/records/prune", body: body)
            #expect(first.status == 200)
            #expect(first.text == #"{"count":2,"has_more":true}"#)
            let second = try await server.send("PATCH", "/records/prune", body: body)
            #expect(second.text == #"{"count":1,"has_more":false}"#)
            let page = try await server.send("GET", "/records?model=Contact&limit=1")
            let record = try #require((try page.json["records"] as? [[String: Any]])?.first)
            #expect(record["v"] == nil)
            #expect((record["_nango_metadata"] as? [String: Any])?["pruned_at"] is String)
        }
    }

    @Test(arguments: [
        (#"{"model":"Contact"}"#, "invalid_body"),
        (#"{"model":"Contact","until_cursor":"zzz"}"#, "invalid_cursor"),
        (#"{"model":"Contact","until_cursor":"CURSOR","limit":0}"#, "invalid_query"),
        (#"{"model":"Contact","until_cursor":"CURSOR","limit":"ten"}"#, "invalid_body"),
    ])
    func badPrunesAreAnswered400(body: String, code: String) async throws {
        try await TestServer.with { server in
            let cursors = try await seed(server)
            let response = try await server.send("PATCH", "/records/prune", body: body.replacingOccurrences(of: "CURSOR", with: cursors[0]))
            #expect(response.status == 400)
            #expect(response.errorCode == code, "\(response.text)")
        }
    }

    @Test func pruningNeedsTheConnectionHeaders() async throws {
        try await TestServer.with { server in
            let response = try await server.send("PATCH", "/records/prune", headers: [], body: #"{"model":"Contact","until_cursor":"x"}"#)
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_headers")
        }
    }
}
