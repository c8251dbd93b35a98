import Foundation
import TidemarkTestSupport
import Testing
import Tidemark
@testable import TidemarkServer

@Suite("GET, PUT, DELETE /sync/{sync}/checkpoint (SPEC §2.4)")
struct CheckpointEndpointTests {
    @Test func aCheckpointIsWrittenReadAndClearedWithVersions() async throws {
        try await TestServer.with { server in
            let none = try await server.send("GET", "/sync/contacts/checkpoint")
            #expect(none.status == 200)
            #expect(none.text == #"{"checkpoint":null,"version":0}"#)

            let created = try await server.send("PUT", "/sync/contacts/checkpoint", body: #"{"checkpoint":{"since":"2024-01-01T00:00:00.000Z","n":1.5,"ok":true},"expected_version":null}"#)
            #expect(created.status == 200)
            #expect(created.text == #"{"checkpoint":{"n":1.5,"ok":true,"since":"2024-01-01T00:00:00.000Z"},"version":1}"#)

            let updated = try await server.send("PUT", "/sync/contacts/checkpoint", body: #"{"checkpoint":{"since":"2024-02-01"},"expected_version":1}"#)
            #expect(updated.text == #"{"checkpoint":{"since":"2024-02-01"},"version":2}"#)

            let unchecked = try await server.send("PUT", "/sync/contacts/checkpoint", body: #"{"checkpoint":{"since":"2024-03-01"}}"#)
            #expect(unchecked.text == #"{"checkpoint":{"since":"2024-03-01"},"version":3}"#)

            let read = try await server.send("GET", "/sync/contacts/checkpoint")
            #expect(read.text == unchecked.text)

            let cleared = try await server.send("DELETE", "/sync/contacts/checkpoint?expected_version=3")
            #expect(cleared.status == 204)
            #expect(cleared.body.isEmpty)
            let afterClear = try await server.send("GET", "/sync/contacts/checkpoint")
            #expect(afterClear.text == #"{"checkpoint":null,"version":4}"#)

            let clearAgain = try await server.send("DELETE", "/sync/contacts/checkpoint")
            #expect(clearAgain.status == 204)
        }
    }

    @Test func aVariantHasItsOwnCheckpoint() async throws {
        try await TestServer.with { server in
            _ = try await server.send("PUT", "/sync/contacts/checkpoint?variant=eu", body: #"{"checkpoint":{"p":1}}"#)
            let eu = try await server.send("GET", "/sync/contacts/checkpoint?variant=eu")
            #expect(eu.text == #"{"checkpoint":{"p":1},"version":1}"#)
            let base = try await server.send("GET", "/sync/contacts/checkpoint")
            #expect(base.text == #"{"checkpoint":null,"version":0}"#)
        }
    }

    @Test(arguments: ["2", "null", #""1""#])
    func aPutAtTheWrongVersionIs409(expected: String) async throws {
        try await TestServer.with { server in
            _ = try await server.send("PUT", "/sync/contacts/checkpoint", body: #"{"checkpoint":{"p":1}}"#)
            let response = try await server.send("PUT", "/sync/contacts/checkpoint", body: #"{"checkpoint":{"p":2},"expected_version":\#(expected)}"#)
            #expect(response.status == 409)
            #expect(response.errorCode == "checkpoint_conflict")
            let unchanged = try await server.send("GET", "/sync/contacts/checkpoint")
            #expect(unchanged.text == #"{"checkpoint":{"p":1},"version":1}"#)
        }
    }

    @Test(arguments: ["2", "null", "abc"])
    func aDeleteAtTheWrongVersionIs409(expected: String) async throws {
        try await TestServer.with { server in
            _ = try await server.send("PUT", "/sync/contacts/checkpoint", body: #"{"checkpoint":{"p":1}}"#)
            let response = try await server.send("DELETE", "/sync/contacts/checkpoint?expected_version=\(expected)")
            #expect(response.status == 409)
            #expect(response.errorCode == "checkpoint_conflict")
        }
    }

    @Test(arguments: [
        (#"{"checkpoint":{"a":[1]}}"#, "invalid_checkpoint", "'a'"),
        (#"{"checkpoint":{"":1}}"#, "invalid_checkpoint", "names must not be empty"),
        (#"{"checkpoint":{"a":1,"a":2}}"#, "invalid_body", "'a' appears more than once"),
        (#"{"checkpoint":"x"}"#, "invalid_checkpoint", "object"),
        (#"{"expected_version":1}"#, "invalid_body", "'checkpoint' is required"),
        (#"{"checkpoint":{},"extra":1}"#, "invalid_body", "'extra'"),
        ("not json", "invalid_body", "not valid JSON"),
    ])
    func badPutsAreAnswered400(body: String, code: String, mention: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send("PUT", "/sync/contacts/checkpoint", body: body)
            #expect(response.status == 400)
            #expect(response.errorCode == code)
            #expect(response.text.contains(mention), "\(response.text)")
        }
    }

    @Test func checkpointsNeedTheConnectionHeaders() async throws {
        try await TestServer.with { server in
            for method in ["GET", "PUT", "DELETE"] {
                let response = try await server.send(method, "/sync/contacts/checkpoint", headers: [], body: method == "PUT" ? #"{"checkpoint":{}}"# : nil)
                #expect(response.status == 400)
                #expect(response.errorCode == "invalid_headers")
            }
        }
    }
}
