import Testing
@testable import Tidemark

@Suite("Bad input is rejected and writes nothing (SPEC §2.5)")
struct RejectionTests {
    private func expectRejected(_ texts: [String], problem: RecordProblem, index: Int = 1) async throws {
        let fixture = try Fixture()
        var list = JSONRecords([#"{"id":"ok"}"#])
        for text in texts { list.append(json: text) }
        await #expect(throws: TidemarkError.invalidRecord(model: "Contact", operation: "save", index: index, problem: problem)) {
            try await fixture.store.write(saveBatch(list))
        }
        #expect(try fixture.store.all().isEmpty)
        #expect(try fixture.store.datasets().isEmpty)
    }

    @Test func missingID() async throws { try await expectRejected([#"{"name":"x"}"#], problem: .missingID) }
    @Test func emptyID() async throws { try await expectRejected([#"{"id":""}"#], problem: .emptyID) }
    @Test func idOfWrongType() async throws {
        try await expectRejected([#"{"id":true}"#], problem: .idNotStringOrNumber)
        try await expectRejected([#"{"id":{"a":1}}"#], problem: .idNotStringOrNumber)
        try await expectRejected([#"{"id":null}"#], problem: .idNotStringOrNumber)
    }
    @Test func idTooLong() async throws {
        try await expectRejected([#"{"id":"\#(String(repeating: "x", count: 256))"}"#], problem: .idTooLong(byteCount: 256))
    }
    @Test func idWithNUL() async throws { try await expectRejected([#"{"id":"a\u0000b"}"#], problem: .idContainsNUL) }
    @Test func notAnObject() async throws { try await expectRejected([#"[1,2]"#], problem: .notAnObject) }

    @Test func invalidJSONNamesTheIndex() async throws {
        let fixture = try Fixture()
        await #expect {
            try await fixture.store.write(saveBatch(records(#"{"id":"a"}"#, #"{"id":"b""#)))
        } throws: { error in
            guard case let TidemarkError.invalidRecord(model, operation, index, .invalidJSON) = error else { return false }
            return model == "Contact" && operation == "save" && index == 1
        }
        #expect(try fixture.store.all().isEmpty)
    }

    @Test func recordLargerThanTheLimit() async throws {
        let fixture = try Fixture { $0.maximumRecordSize = 100 }
        let big = #"{"id":"a","pad":"\#(String(repeating: "x", count: 100))"}"#
        await #expect(throws: TidemarkError.recordTooLarge(model: "Contact", operation: "save", index: 0, size: big.utf8.count, limit: 100)) {
            try await fixture.store.write(saveBatch(records(big)))
        }
        #expect(try fixture.store.all().isEmpty)
    }

    @Test func badNames() async throws {
        let fixture = try Fixture()
        await #expect(throws: TidemarkError.invalidName(kind: "model name", name: "", reason: "it is empty")) {
            try await fixture.store.write(saveBatch(records(#"{"id":"a"}"#), model: ModelName("")))
        }
        let long = String(repeating: "m", count: 256)
        await #expect(throws: TidemarkError.invalidName(kind: "model name", name: long, reason: "it is 256 bytes; the limit is 255")) {
            try await fixture.store.write(saveBatch(records(#"{"id":"a"}"#), model: ModelName(long)))
        }
        var batch = Batch(connection: ConnectionKey(integrationID: "crm", connectionID: "a\u{0}b"))
        batch.save(records(#"{"id":"a"}"#), to: contact)
        await #expect(throws: TidemarkError.invalidName(kind: "connection id", name: "a\u{0}b", reason: "it contains a NUL character")) {
            try await fixture.store.write(batch)
        }
        #expect(try fixture.store.datasets().isEmpty)
    }

    @Test func badDeleteIDs() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        var batch = Batch(connection: acme)
        batch.delete(["a", ""], from: contact)
        await #expect(throws: TidemarkError.invalidRecord(model: "Contact", operation: "delete", index: 1, problem: .emptyID)) {
            try await fixture.store.write(batch)
        }
        #expect(try fixture.store.record("a", in: contacts)?.metadata.lastAction == .added)
    }

    @Test func aRejectedBatchInAGroupLeavesTheOthersCommitted() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<20 {
                group.addTask {
                    let text = n % 5 == 0 ? #"{"id":"bad-\#(n)""# : #"{"id":"good-\#(n)"}"#
                    return (n, (try? await store.write(saveBatch(records(text)))) != nil)
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        for (n, ok) in outcomes { #expect(ok == (n % 5 != 0)) }
        #expect(Set(try store.all().map(\.id)) == Set((0..<20).filter { $0 % 5 != 0 }.map { "good-\($0)" }))
        #expect(try store.counts(of: contacts).live == 16)
    }
}
