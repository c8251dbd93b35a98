import Foundation
import Testing
import Tidemark
import TidemarkTestSupport
@testable import TidemarkServer

@Suite("Runs and deletion windows over HTTP (SPEC §4)")
struct RunsEndpointTests {
    private func save(_ server: TestServer, run: String, _ ids: [String], checkpoint: String? = nil) async throws -> LoopbackHTTP.Response {
        let records = ids.map { #"{"id":"\#($0)"}"# }.joined(separator: ",")
        let checkpointMember = checkpoint.map { #","checkpoint":{"set":\#($0)}"# } ?? ""
        return try await server.send("POST", "/sync/contacts/batch", body: #"{"run_id":"\#(run)","models":{"Contact":{"save":[\#(records)]}}\#(checkpointMember)}"#)
    }

    @Test func aFullRefreshRunDeletesWhatItDidNotSee() async throws {
        try await TestServer.with { server in
            let first = try await server.send("POST", "/sync/contacts/runs")
            #expect(first.status == 200)
            #expect(first.text == #"{"checkpoint":null,"run_id":"1","version":0}"#)
            #expect(try await save(server, run: "1", ["a", "b", "c"], checkpoint: #"{"page":1}"#).status == 200)
            server.clock.advance(milliseconds: 1500)
            let finished = try await server.send("POST", "/sync/contacts/runs/1/finish", body: #"{"success":true}"#)
            #expect(finished.status == 200)
            #expect(finished.text == #"{"checkpoints":{"from":null,"to":{"page":1}},"connection_id":"acme","duration_ms":1500,"ended_at":"2023-11-14T22:13:21.500Z","error":null,"provider_config_key":"crm","results":{"Contact":{"added":3,"deleted":0,"updated":0}},"run_id":"1","started_at":"2023-11-14T22:13:20.000Z","status":"success","sync":"contacts","variant":null}"#)

            let second = try await server.send("POST", "/sync/contacts/runs", body: "{}")
            #expect(second.text == #"{"checkpoint":{"page":1},"run_id":"2","version":1}"#)
            let start = try await server.send("POST", "/sync/contacts/runs/2/track-deletes/Contact/start")
            #expect(start.status == 204)
            #expect(try await save(server, run: "2", ["a", "b"]).status == 200)
            let end = try await server.send("POST", "/sync/contacts/runs/2/track-deletes/Contact/end")
            #expect(end.status == 200)
            #expect(end.text == #"{"deleted":["c"]}"#)
            let report = try await server.send("POST", "/sync/contacts/runs/2/finish", body: #"{"success":true}"#)
            let results = try #require(try report.json["results"] as? [String: [String: Int]])
            #expect(results == ["Contact": ["added": 0, "updated": 0, "deleted": 1]])
        }
    }

    @Test func aFailedRunReportsItsError() async throws {
        try await TestServer.with { server in
            _ = try await server.send("POST", "/sync/contacts/runs", body: #"{"variant":"eu"}"#)
            let report = try await server.send("POST", "/sync/contacts/runs/1/finish?variant=eu", body: #"{"success":false,"error":"the API answered 503"}"#)
            #expect(report.status == 200)
            let json = try report.json
            #expect(json["status"] as? String == "failed")
            #expect(json["error"] as? String == "the API answered 503")
            #expect(json["variant"] as? String == "eu")
        }
    }

    @Test func windowAndRunErrorsAreAnswered() async throws {
        try await TestServer.with { server in
            _ = try await server.send("POST", "/sync/contacts/runs")
            let noWindow = try await server.send("POST", "/sync/contacts/runs/1/track-deletes/Contact/end")
            #expect(noWindow.status == 400)
            #expect(noWindow.errorCode == "no_delete_window")
            let unknownRun = try await server.send("POST", "/sync/contacts/runs/7/finish", body: #"{"success":true}"#)
            #expect(unknownRun.status == 404)
            #expect(unknownRun.errorCode == "run_not_found")
            let badFinish = try await server.send("POST", "/sync/contacts/runs/1/finish", body: #"{"error":"x"}"#)
            #expect(badFinish.status == 400)
            #expect(badFinish.errorCode == "invalid_body")
            _ = try await server.send("POST", "/sync/contacts/runs")  // supersedes run 1
            let superseded = try await server.send("POST", "/sync/contacts/runs/1/finish", body: #"{"success":true}"#)
            #expect(superseded.status == 404)
            let lateBatch = try await save(server, run: "1", ["a"])
            #expect(lateBatch.status == 404)
            #expect(lateBatch.errorCode == "run_not_found")
            #expect(try server.store.datasets().isEmpty)
            let startOfOldRun = try await server.send("POST", "/sync/contacts/runs/1/track-deletes/Contact/start")
            #expect(startOfOldRun.status == 404)
            let noHeaders = try await server.send("POST", "/sync/contacts/runs", headers: [])
            #expect(noHeaders.errorCode == "invalid_headers")
        }
    }
}
