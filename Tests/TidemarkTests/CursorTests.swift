import Testing
@testable import Tidemark

@Suite("Cursors (SPEC §3.2)")
struct CursorTests {
    @Test func cursorsRoundTripAndAreURLSafe() throws {
        for (dataset, sequence) in [(UInt32(1), UInt64(1)), (7, 123_456_789), (.max, .max)] {
            let cursor = StreamCursor(dataset: dataset, sequence: sequence)
            let text = cursor.encoded
            #expect(text.count == 18)
            #expect(text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(try StreamCursor(parsing: text) == cursor)
        }
    }

    /// The text of a cursor is base64url of version · dataset · sequence: cursors handed out before stay valid.
    @Test func cursorTextIsStable() {
        for (dataset, sequence, text) in [(UInt32(1), UInt64(1), "AQAAAAEAAAAAAAAAAQ"), (7, 123_456_789, "AQAAAAcAAAAAB1vNFQ"),
                                          (.max, .max, "Af_______________w")] {
            let cursor = StreamCursor(dataset: dataset, sequence: sequence)
            #expect(cursor.encoded == text)
            var bytes = Array("x".utf8)
            cursor.appendEncoded(to: &bytes)
            #expect(bytes == Array("x\(text)".utf8))
        }
    }

    @Test(arguments: ["", "abc", "not a cursor at all", "AAAAAAAAAAAAAAAAAA", "AQAAAAEAAAAAAAAAAB", "AQAAAAEAAAAAAAAAA!", "AQAAAAEAAAAAAAAAAQ=="])
    func malformedCursorsAreRejected(text: String) async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        #expect(throws: TidemarkError.malformedCursor) {
            try fixture.store.records(in: contacts, RecordQuery(cursor: text))
        }
    }

    @Test func cursorOfAnotherDatasetIsRejected() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#)
        try await fixture.store.save(#"{"id":"a"}"#, model: ModelName("Deal"))
        let dealCursor = try #require(try fixture.store.firstCursor(of: DatasetKey(connection: acme, model: ModelName("Deal"))))
        #expect(throws: TidemarkError.cursorFromAnotherDataset) {
            try fixture.store.records(in: contacts, RecordQuery(cursor: dealCursor))
        }
    }

    @Test func cursorStaysValidAfterItsRecordChangesOrIsDeleted() async throws {
        let fixture = try Fixture()
        try await fixture.store.save(#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#)
        let cursorOfB = try fixture.store.records(in: contacts).records[1].metadata.cursor
        try await fixture.store.save(#"{"id":"b","v":2}"#)
        var batch = Batch(connection: acme)
        batch.delete(["c"], from: contact)
        try await fixture.store.write(batch)
        #expect(try fixture.store.records(in: contacts, RecordQuery(cursor: cursorOfB)).records.map(\.id) == ["b", "c"])
    }

    @Test func firstAndLastCursors() async throws {
        let fixture = try Fixture()
        #expect(try fixture.store.firstCursor(of: contacts) == nil)
        #expect(try fixture.store.lastCursor(of: contacts) == nil)
        try await fixture.store.save(#"{"id":"a"}"#, #"{"id":"b"}"#)
        try await fixture.store.save(#"{"id":"x"}"#, model: ModelName("Deal"))
        let all = try fixture.store.records(in: contacts).records
        #expect(try fixture.store.firstCursor(of: contacts) == all.first?.metadata.cursor)
        #expect(try fixture.store.lastCursor(of: contacts) == all.last?.metadata.cursor)
        #expect(try fixture.store.records(in: contacts, RecordQuery(cursor: fixture.store.lastCursor(of: contacts))).records.isEmpty)
    }

    @Test func cursorsAreOrderedByCommitAcrossConcurrentWriters() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for n in 0..<25 {
                        try await store.save(#"{"id":"w\#(writer)-\#(n)"}"#)
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try store.all(limit: 7)
        #expect(all.count == 100)
        let sequences = try all.map { try StreamCursor(parsing: $0.metadata.cursor).sequence }
        #expect(sequences == sequences.sorted())
        #expect(Set(all.map(\.id)).count == 100)
    }
}
