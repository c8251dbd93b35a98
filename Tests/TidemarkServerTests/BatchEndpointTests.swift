import Foundation
import TidemarkTestSupport
import Testing
import Tidemark
@testable import TidemarkServer

@Suite("POST /sync/{sync}/batch (SPEC §2, §7)")
struct BatchEndpointTests {
    private let contacts = DatasetKey(connection: ConnectionKey(integrationID: "crm", connectionID: "acme"), model: ModelName("Contact"))

    @Test func aBatchAnswersItsSummaryPerModelAndItsCheckpoint() async throws {
        try await TestServer.with { server in
            let first = try await server.send("POST", "/sync/contacts/batch", body: """
                {"models": {"Contact": {"save": [{"id": "a", "n": 1}, {"id": 7, "n": 1}, {"id": "a", "n": 2}]},
                            "Company": {"save": [{"id": "x"}]}},
                 "checkpoint": {"set": {"since": "2024-01-01", "page": 2, "done": false}, "expected_version": null}}
                """)
            #expect(first.status == 200)
            #expect(first.text == #"{"checkpoint":{"value":{"done":false,"page":2,"since":"2024-01-01"},"version":1},"models":{"Company":{"added":["x"],"deleted":[],"non_unique":[],"unchanged":[],"unknown":[],"updated":[]},"Contact":{"added":["a","7"],"deleted":[],"non_unique":["a"],"unchanged":[],"unknown":[],"updated":[]}}}"#)
            let second = try await server.send("POST", "/sync/contacts/batch", body: """
                {"models": {"Contact": {"save": [{"n": 1, "id": "a"}], "update": [{"id": "7", "n": 5}, {"id": "zz", "n": 1}],
                                        "delete": [{"id": "a", "ignored": true}, {"id": "nope"}]}}}
                """)
            #expect(second.status == 200)
            #expect(second.text == #"{"checkpoint":null,"models":{"Contact":{"added":[],"deleted":["a"],"non_unique":[],"unchanged":["a"],"unknown":["zz","nope"],"updated":["7"]}}}"#)
            #expect(try server.store.counts(of: contacts) == DatasetCounts(live: 1, deleted: 1, payloadBytes: try server.store.counts(of: contacts).payloadBytes))
        }
    }

    @Test func aVariantBatchWritesTheVariantDatasetAndCheckpoint() async throws {
        try await TestServer.with { server in
            let response = try await server.send("POST", "/sync/contacts/batch", body: #"{"variant":"eu","models":{"Contact":{"save":[{"id":"a"}]}},"checkpoint":{"set":{"p":1}}}"#)
            #expect(response.status == 200)
            let eu = DatasetKey(connection: contacts.connection, model: ModelName("Contact", variant: "eu"))
            #expect(try server.store.counts(of: eu).live == 1)
            #expect(try server.store.counts(of: contacts).live == 0)
            let checkpoint = try server.store.checkpoint(of: SyncKey(connection: contacts.connection, name: "contacts", variant: "eu"))
            #expect(checkpoint?.value == ["p": .number(1)])
        }
    }

    @Test(arguments: ["3", "null", #""1""#, "-1", "1.0", "true"])
    func aCheckpointVersionMismatchIs409AndWritesNothing(expected: String) async throws {
        try await TestServer.with { server in
            let setup = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{},"checkpoint":{"set":{"p":1}}}"#)
            #expect(setup.status == 200)
            let response = try await server.send("POST", "/sync/contacts/batch", body: """
                {"models":{"Contact":{"save":[{"id":"a"}]}},"checkpoint":{"set":{"p":2},"expected_version":\(expected)}}
                """)
            #expect(response.status == 409)
            #expect(response.errorCode == "checkpoint_conflict")
            #expect(try server.store.counts(of: contacts).live == 0)
            #expect(try server.store.checkpoint(of: SyncKey(connection: contacts.connection, name: "contacts"))?.version == 1)
        }
    }

    @Test func aClearWithTheRightVersionClears() async throws {
        try await TestServer.with { server in
            _ = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{},"checkpoint":{"set":{"p":1}}}"#)
            let response = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{},"checkpoint":{"clear":true,"expected_version":1}}"#)
            #expect(response.status == 200)
            #expect(response.text == #"{"checkpoint":{"value":null,"version":2},"models":{}}"#)
        }
    }

    @Test(arguments: [
        ("{", "invalid_body"),
        ("[]", "invalid_body"),
        (#"{"models":{"Contact":{"save":[{"id":"a"}]}}} x"#, "invalid_body"),
        (#"{"modles":{}}"#, "invalid_body"),
        (#"{"models":{"Contact":{"upsert":[]}}}"#, "invalid_body"),
        (#"{"models":{"Contact":{"save":{"id":"a"}}}}"#, "invalid_body"),
        (#"{"models":{},"checkpoint":{"set":{"a":1},"clear":true}}"#, "invalid_body"),
        (#"{"models":{},"checkpoint":{}}"#, "invalid_body"),
        (#"{"models":{},"variant":5}"#, "invalid_body"),
        (#"{"models":{"Contact":{"save":[{"id":"a"}]},"Contact":{"save":[{"id":"b"}]}}}"#, "invalid_body"),
        (#"{"models":{"Contact":{"save":[{"name":"no id"}]}}}"#, "invalid_record"),
        (#"{"models":{"Contact":{"save":[{"id":"a",}]}}}"#, "invalid_record"),
        (#"{"models":{"Contact":{"save":["a"]}}}"#, "invalid_record"),
        (#"{"models":{"Contact":{"delete":[{"name":"x"}]}}}"#, "invalid_record"),
        (#"{"models":{"Contact":{"delete":["a"]}}}"#, "invalid_record"),
        (#"{"models":{"Contact":{"delete":[{"id":1.5}]}}}"#, "invalid_record"),
        (#"{"models":{"":{"save":[{"id":"a"}]}}}"#, "invalid_name"),
        (#"{"models":{},"checkpoint":{"set":{"nested":{"a":1}}}}"#, "invalid_checkpoint"),
        (#"{"models":{},"checkpoint":{"set":{"s":null}}}"#, "invalid_checkpoint"),
    ])
    func badBatchesAreAnswered400AndWriteNothing(body: String, code: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send("POST", "/sync/contacts/batch", body: body)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.errorCode == code, "\(response.text)")
            #expect(try server.store.datasets().isEmpty)
        }
    }

    @Test func anInvalidCheckpointFieldIsNamed() async throws {
        try await TestServer.with { server in
            let long = String(repeating: "x", count: 4001)
            let response = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{},"checkpoint":{"set":{"cursor":"\#(long)"}}}"#)
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_checkpoint")
            #expect(response.text.contains("'cursor'"))
        }
    }

    @Test func aBodyPastTheLimitIs413() async throws {
        try await TestServer.with(configure: { $0.maximumBodySize = 1024 }) { server in
            let records = (0..<100).map { #"{"id":"\#($0)","padding":"................"}"# }.joined(separator: ",")
            let response = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{"Contact":{"save":[\#(records)]}}}"#)
            #expect(response.status == 413)
            #expect(response.errorCode == "body_too_large")
            #expect(try server.store.datasets().isEmpty)
        }
    }

    @Test func aBatchNeedsTheConnectionHeaders() async throws {
        try await TestServer.with { server in
            let response = try await server.send("POST", "/sync/contacts/batch", headers: [("Connection-Id", "acme")], body: #"{"models":{}}"#)
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_headers")
        }
    }
}
