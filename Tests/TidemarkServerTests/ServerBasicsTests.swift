import Foundation
import TidemarkTestSupport
import Testing
import Tidemark
@testable import TidemarkServer

@Suite("Health, auth, unknown routes and request logs")
struct ServerBasicsTests {
    @Test func healthAnswersTheStoresState() async throws {
        try await TestServer.with { server in
            _ = try await server.send("POST", "/sync/contacts/batch", body: #"{"models":{"Contact":{"save":[{"id":"a"},{"id":"b"}],"delete":[{"id":"b"}]}}}"#)
            let response = try await server.send("GET", "/health", headers: [])
            #expect(response.status == 200)
            #expect(response.text == #"{"datasets":1,"deleted_records":1,"payload_bytes":20,"records":1,"status":"ok"}"#)
        }
    }

    @Test(arguments: [
        ([], 401),
        ([("Authorization", "Bearer wrong")], 401),
        ([("Authorization", "Bearer s3cre")], 401),
        ([("Authorization", "Bearer s3cret-and-more")], 401),
        ([("Authorization", "Basic s3cret")], 401),
        ([("Authorization", "s3cret")], 401),
        ([("Authorization", "Bearer s3cret")], 200),
        ([("Authorization", "bearer s3cret")], 200),
    ])
    func aSecretKeyIsRequiredWhenConfigured(headers: [(String, String)], status: Int) async throws {
        try await TestServer.with(configure: { $0.secretKey = SecretKey("s3cret\n") }) { server in
            for target in ["/health", "/records?model=Contact"] {
                let response = try await server.send("GET", target, headers: headers + TestServer.connection)
                #expect(response.status == status)
                if status == 401 { #expect(response.errorCode == "unauthorized") }
            }
        }
    }

    @Test func withoutASecretKeyNoAuthorizationIsNeeded() async throws {
        try await TestServer.with { server in
            let response = try await server.send("GET", "/health", headers: [])
            #expect(response.status == 200)
        }
    }

    @Test func theKeyIsComparedInConstantTime() throws {
        let key = try #require(SecretKey("s3cret"))
        #expect(key.matches("s3cret"))
        #expect(!key.matches("s3creT"))
        #expect(!key.matches(""))
        #expect(SecretKey("  \n") == nil)
        #expect(SecretKey.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!SecretKey.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!SecretKey.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test(arguments: [("GET", "/nowhere"), ("POST", "/records"), ("GET", "/sync/contacts/batch")])
    func unknownRoutesAnswerJSONErrors(method: String, target: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send(method, target, body: method == "POST" ? "{}" : nil)
            #expect(response.status == 404)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test func everyRequestIsLoggedOnOneLineWithoutSecrets() async throws {
        try await TestServer.with(configure: { $0.secretKey = SecretKey("s3cret") }) { server in
            _ = try await server.send("GET", "/records?model=Contact&cursor=zzz", headers: TestServer.connection + [("Authorization", "Bearer s3cret")])
            _ = try await server.send("GET", "/health", headers: [("Authorization", "Bearer nope")])
            let lines = server.log.messages.filter { $0.hasPrefix("info GET") }
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("info GET /records 400 "))
            #expect(lines[0].hasSuffix("ms"))
            #expect(lines[1].hasPrefix("info GET /health 401 "))
            #expect(!server.log.messages.contains { $0.contains("s3cret") || $0.contains("zzz") })
        }
    }
}
