import Foundation
import TidemarkTestSupport
import Testing
import Tidemark
@testable import TidemarkServer

@Suite("GET /records, as the platform's (SPEC §3.1, §7)")
struct RecordsEndpointTests {
    /// Saves `ids` as Contact records `{"id": …, "name": "<id>"}` through the batch endpoint.
    private func seed(_ server: TestServer, _ ids: [String], model: String = "Contact", variant: String? = nil,
                      headers: [(String, String)] = TestServer.connection) async throws {
        let records = ids.map { #"{"id":"\#($0)","name":"\#($0)"}"# }.joined(separator: ",")
        let variantMember = variant.map { #""variant":"\#($0)","# } ?? ""
        let response = try await server.send("POST", "/sync/contacts/batch", headers: headers, body: #"{\#(variantMember)"models":{"\#(model)":{"save":[\#(records)]}}}"#)
        #expect(response.status == 200)
    }

    private func records(_ response: LoopbackHTTP.Response) throws -> [[String: Any]] {
        try #require(try response.json["records"] as? [[String: Any]])
    }

    @Test func thePlatformClientsExactRequestIsAnswered() async throws {
        try await TestServer.with(configure: { $0.secretKey = SecretKey("s3cret") }) { server in
            try await seed(server, ["a", "b", "c"], headers: TestServer.connection + [("Authorization", "Bearer s3cret")])
            let response = try await LoopbackHTTP.send(port: server.port, "GET", "/records/?model=Contact&limit=2&ids=a&ids=b", headers: [
                ("Connection-Id", "acme"), ("Provider-Config-Key", "crm"), ("Authorization", "Bearer s3cret"),
                ("Nango-Is-Sync", "true"), ("Nango-Is-Script", "true"), ("Nango-Is-Dry-Run", "false"),
            ])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            let json = try response.json
            #expect(json["next_cursor"] is NSNull)
            let records = try records(response)
            #expect(records.map { $0["id"] as? String } == ["a", "b"])
            #expect(records.map { $0["name"] as? String } == ["a", "b"])
            let metadata = try #require(records.first?["_nango_metadata"] as? [String: Any])
            #expect(Set(metadata.keys) == ["first_seen_at", "last_modified_at", "last_action", "deleted_at", "pruned_at", "cursor"])
            #expect(metadata["first_seen_at"] as? String == "2023-11-14T22:13:20.000Z")
            #expect(metadata["last_modified_at"] as? String == "2023-11-14T22:13:20.000Z")
            #expect(metadata["last_action"] as? String == "ADDED")
            #expect(metadata["deleted_at"] is NSNull)
            #expect(metadata["pruned_at"] is NSNull)
            #expect((metadata["cursor"] as? String)?.isEmpty == false)
        }
    }

    @Test func pagingFollowsNextCursorUntilNull() async throws {
        try await TestServer.with { server in
            try await seed(server, ["a", "b", "c", "d", "e"])
            var cursor: String?
            var pages: [[String]] = []
            repeat {
                let target = "/records?model=Contact&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let response = try await server.send("GET", target)
                #expect(response.status == 200)
                pages.append(try records(response).map { $0["id"] as! String })
                cursor = try response.json["next_cursor"] as? String
                if let cursor {
                    #expect(cursor == (try records(response).last?["_nango_metadata"] as? [String: Any])?["cursor"] as? String)
                }
            } while cursor != nil
            #expect(pages == [["a", "b"], ["c", "d"], ["e"]])
        }
    }

    @Test func theBodyIsTheStoresRecordPageJSON() async throws {
        try await TestServer.with { server in
            try await seed(server, ["a", "b", "c"])
            let contacts = DatasetKey(connection: ConnectionKey(integrationID: "crm", connectionID: "acme"), model: ModelName("Contact"))
            let first = try server.store.records(in: contacts, RecordQuery(limit: 2))
            var response = try await server.send("GET", "/records?model=Contact&limit=2")
            #expect(response.body == first.json)
            let cursor = try #require(first.nextCursor)
            response = try await server.send("GET", "/records?model=Contact&filter=added&ids=c,b&cursor=\(cursor)")
            #expect(response.body == (try server.store.records(in: contacts, RecordQuery(cursor: cursor, filter: [.added], ids: ["c", "b"]))).json)
        }
    }

    @Test func idsMayBeCommaSeparated() async throws {
        try await TestServer.with { server in
            try await seed(server, ["a", "b", "c"])
            let response = try await server.send("GET", "/records?model=Contact&ids=a,c")
            #expect(try records(response).map { $0["id"] as? String } == ["a", "c"])
        }
    }

    @Test func filterModifiedAfterAndDeltaSelectRecords() async throws {
        try await TestServer.with { server in
            try await seed(server, ["a", "b"])
            server.clock.advance(milliseconds: 60_000)
            let delete = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{"Contact":{"delete":[{"id":"b"}]}}}"#)
            #expect(delete.status == 200)
            let deleted = try await server.send("GET", "/records?model=Contact&filter=DELETED")
            #expect(try records(deleted).map { $0["id"] as? String } == ["b"])
            #expect((try records(deleted)[0]["_nango_metadata"] as? [String: Any])?["last_action"] as? String == "DELETED")
            let both = try await server.send("GET", "/records?model=Contact&filter=added,deleted")
            #expect(try records(both).map { $0["id"] as? String } == ["a", "b"])
            for name in ["modified_after", "delta"] {
                let recent = try await server.send("GET", "/records?model=Contact&\(name)=2023-11-14T22:14:00.000Z")
                #expect(try records(recent).map { $0["id"] as? String } == ["b"])
            }
        }
    }

    @Test func aVariantIsItsOwnDataset() async throws {
        try await TestServer.with { server in
            try await seed(server, ["base-1"])
            try await seed(server, ["eu-1"], variant: "eu")
            let eu = try await server.send("GET", "/records?model=Contact&variant=eu")
            #expect(try records(eu).map { $0["id"] as? String } == ["eu-1"])
            let base = try await server.send("GET", "/records?model=Contact&variant=base")
            #expect(try records(base).map { $0["id"] as? String } == ["base-1"])
        }
    }

    @Test func anEmptyDatasetIsAnEmptyPage() async throws {
        try await TestServer.with { server in
            let response = try await server.send("GET", "/records?model=Nothing")
            #expect(response.status == 200)
            #expect(response.text == #"{"records":[],"next_cursor":null}"#)
        }
    }

    @Test(arguments: [
        [("Provider-Config-Key", "crm")],
        [("Connection-Id", "acme")],
        [],
    ])
    func missingConnectionHeadersAreInvalidHeaders(headers: [(String, String)]) async throws {
        try await TestServer.with { server in
            let response = try await server.send("GET", "/records?model=Contact", headers: headers)
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_headers")
        }
    }

    @Test(arguments: [
        ("/records", "invalid_query"),
        ("/records?model=", "invalid_query"),
        ("/records?model=Contact&limit=0", "invalid_query"),
        ("/records?model=Contact&limit=10001", "invalid_query"),
        ("/records?model=Contact&limit=ten", "invalid_query"),
        ("/records?model=Contact&filter=added,removed", "invalid_query"),
        ("/records?model=Contact&modified_after=yesterday", "invalid_query"),
        ("/records?model=Contact&cursor=not-a-cursor", "invalid_cursor"),
        ("/records?model=Contact&ids=" + (0...100).map(String.init).joined(separator: ","), "invalid_query"),
    ])
    func badQueriesAreAnswered400(target: String, code: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send("GET", target)
            #expect(response.status == 400)
            #expect(response.errorCode == code)
            let message = try #require(((try response.json["error"]) as? [String: Any])?["message"] as? String)
            #expect(!message.isEmpty)
        }
    }

    @Test func aCursorOfAnotherDatasetIsRejected() async throws {
        try await TestServer.with { server in
            try await seed(server, ["a"])
            try await seed(server, ["x"], model: "Company")
            let company = try await server.send("GET", "/records?model=Company")
            let cursor = try #require((try records(company)[0]["_nango_metadata"] as? [String: Any])?["cursor"] as? String)
            let response = try await server.send("GET", "/records?model=Contact&cursor=\(cursor)")
            #expect(response.status == 400)
            #expect(response.errorCode == "cursor_from_another_dataset")
        }
    }
}
