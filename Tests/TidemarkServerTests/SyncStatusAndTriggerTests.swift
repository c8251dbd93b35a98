import Foundation
import Testing
import Tidemark
import TidemarkTestSupport
@testable import TidemarkServer

@Suite("GET /sync/status and POST /sync/trigger (SPEC §4)")
struct SyncStatusAndTriggerTests {
    /// One finished run of `contacts` that saved a, b and a checkpoint.
    private func runOnce(_ server: TestServer) async throws {
        _ = try await server.send("POST", "/sync/contacts/runs")
        let batch = try await server.send("POST", "/sync/contacts/batch", body: #"{"run_id":"1","models":{"Contact":{"save":[{"id":"a"},{"id":"b"}]}},"checkpoint":{"set":{"since":"2024-01-01"}}}"#)
        #expect(batch.status == 200)
        _ = try await server.send("POST", "/sync/contacts/runs/1/finish", body: #"{"success":true}"#)
    }

    private func statuses(_ server: TestServer, _ syncs: String) async throws -> [[String: Any]] {
        let response = try await server.send("GET", "/sync/status?provider_config_key=crm&connection_id=acme&syncs=\(syncs)", headers: [])
        #expect(response.status == 200)
        return try #require(try response.json["syncs"] as? [[String: Any]])
    }

    @Test func statusShowsTheLastRunCountsAndCheckpoint() async throws {
        try await TestServer.with { server in
            try await runOnce(server)
            let response = try await server.send("GET", "/sync/status?provider_config_key=crm&connection_id=acme&syncs=contacts", headers: [])
            #expect(response.text == #"{"syncs":[{"checkpoint":{"since":"2024-01-01"},"connection_id":"acme","finishedAt":"2023-11-14T22:13:20.000Z","frequency":null,"id":"crm/acme/contacts","latestResult":{"Contact":{"added":2,"deleted":0,"updated":0}},"name":"contacts","nextScheduledSyncAt":null,"recordCount":{"Contact":2},"status":"SUCCESS","type":"INITIAL","variant":"base"}]}"#)
        }
    }

    @Test func statusListsEverySyncOrTheNamedOnes() async throws {
        try await TestServer.with { server in
            try await runOnce(server)
            _ = try await server.send("POST", "/sync/deals/runs")
            let all = try await statuses(server, "*")
            #expect(all.map { $0["name"] as? String } == ["contacts", "deals"])
            #expect(all.map { $0["status"] as? String } == ["SUCCESS", "RUNNING"])
            let named = try await statuses(server, "deals,never")
            #expect(named.map { $0["name"] as? String } == ["deals", "never"])
            #expect(named[1]["status"] as? String == "STOPPED")
            #expect(named[1]["checkpoint"] is NSNull)
            #expect(named[1]["type"] is NSNull)
        }
    }

    @Test(arguments: [
        "/sync/status?connection_id=acme&syncs=*",
        "/sync/status?provider_config_key=crm&syncs=*",
        "/sync/status?provider_config_key=crm&connection_id=acme",
    ])
    func statusNeedsItsParameters(target: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send("GET", target, headers: [])
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_query")
        }
    }

    @Test func theTriggerWithResetClearsTheCheckpointAndKeepsRecords() async throws {
        try await TestServer.with { server in
            try await runOnce(server)
            let response = try await server.send("POST", "/sync/trigger", headers: [], body: """
                {"provider_config_key":"crm","connection_id":"acme","syncs":["contacts"],"opts":{"reset":true}}
                """)
            #expect(response.status == 200)
            #expect(response.text == #"{"success":true}"#)
            let status = try await statuses(server, "contacts")
            #expect(status[0]["checkpoint"] is NSNull)
            #expect(status[0]["recordCount"] as? [String: Int] == ["Contact": 2])
        }
    }

    @Test func theTriggerWithEmptyCacheEmptiesTheDatasetAndRejectsOldCursors() async throws {
        try await TestServer.with { server in
            try await runOnce(server)
            let page = try await server.send("GET", "/records?model=Contact")
            let cursor = try #require(((try page.json["records"] as? [[String: Any]])?.first?["_nango_metadata"] as? [String: Any])?["cursor"] as? String)
            let response = try await server.send("POST", "/sync/trigger", headers: [], body: """
                {"provider_config_key":"crm","connection_id":"acme","syncs":[{"name":"contacts","variant":"base"}],"opts":{"reset":true,"emptyCache":true}}
                """)
            #expect(response.status == 200)
            let after = try await server.send("GET", "/records?model=Contact")
            #expect(after.text == #"{"records":[],"next_cursor":null}"#)
            let old = try await server.send("GET", "/records?model=Contact&cursor=\(cursor)")
            #expect(old.status == 400)
            #expect(old.errorCode == "cursor_before_empty")
        }
    }

    @Test(arguments: [
        (#"{"provider_config_key":"crm","connection_id":"acme","syncs":["contacts"],"opts":{"emptyCache":true}}"#, "invalid_request"),
        (#"{"provider_config_key":"crm","syncs":["contacts"]}"#, "invalid_body"),
        (#"{"provider_config_key":"crm","connection_id":"acme","syncs":[]}"#, "invalid_body"),
        (#"{"provider_config_key":"crm","connection_id":"acme","syncs":[7]}"#, "invalid_body"),
        (#"{"provider_config_key":"crm","connection_id":"acme","syncs":[""],"opts":{"reset":true}}"#, "invalid_name"),
    ])
    func badTriggersAreAnswered400(body: String, code: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send("POST", "/sync/trigger", headers: [], body: body)
            #expect(response.status == 400)
            #expect(response.errorCode == code, "\(response.text)")
        }
    }
}
