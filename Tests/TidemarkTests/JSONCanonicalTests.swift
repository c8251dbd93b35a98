import Testing
@testable import Tidemark

/// Helpers shared by the JSON tests.
enum JSONFixture {
    /// Canonicalizes `json` with a fresh canonicalizer.
    static func canonical(
        _ json: String, excluding fields: [String] = []
    ) throws(RecordProblem) -> (text: String, id: String, hash: PayloadHash) {
        try canonical(bytes: Array(json.utf8), excluding: fields)
    }

    static func canonical(
        bytes: [UInt8], excluding fields: [String] = []
    ) throws(RecordProblem) -> (text: String, id: String, hash: PayloadHash) {
        var canonicalizer = CanonicalJSON()
        var output: [UInt8] = []
        let excluded = FieldSet(fields)
        let result = bytes.withUnsafeBytes { bytes in
            Result { () throws(RecordProblem) in
                try canonicalizer.canonicalizeRecord(bytes, excluding: excluded, into: &output)
            }
        }
        let (id, hash) = try result.get()
        return (String(decoding: output, as: UTF8.self), id, hash)
    }

    /// The canonical text of `json`, or nil if it is rejected.
    static func text(_ json: String) -> String? {
        try? canonical(json).text
    }

    /// Why `bytes` is rejected, or nil if it is accepted.
    static func problem(bytes: [UInt8]) -> RecordProblem? {
        do {
            _ = try canonical(bytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    static func problem(_ json: String) -> RecordProblem? {
        problem(bytes: Array(json.utf8))
    }

    /// Merges `patch` into the canonical form of `base`.
    static func merge(
        _ patch: String, into base: String, excluding fields: [String] = []
    ) throws(RecordProblem) -> (text: String, id: String, hash: PayloadHash) {
        let stored = Array(try canonical(base).text.utf8)
        return try merge(patch, intoStored: stored, excluding: fields)
    }

    /// Merges `patch` into `stored` bytes taken as they are.
    static func merge(
        _ patch: String, intoStored stored: [UInt8], excluding fields: [String] = []
    ) throws(RecordProblem) -> (text: String, id: String, hash: PayloadHash) {
        var canonicalizer = CanonicalJSON()
        var output: [UInt8] = []
        let excluded = FieldSet(fields)
        let patchBytes = Array(patch.utf8)
        let result = patchBytes.withUnsafeBytes { patch in
            stored.withUnsafeBytes { stored in
                Result { () throws(RecordProblem) in
                    try canonicalizer.merge(patch: patch, into: stored, excluding: excluded, output: &output)
                }
            }
        }
        let (id, hash) = try result.get()
        return (String(decoding: output, as: UTF8.self), id, hash)
    }

    /// A small seeded random number generator (SplitMix64), so that generated cases are the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

@Suite struct JSONCanonicalTests {
    @Test func reorderedKeysGiveIdenticalBytesAndHash() throws {
        let first = try JSONFixture.canonical(#"{"b":1,"a":2,"id":"x"}"#)
        let second = try JSONFixture.canonical(#"{"id":"x","a":2,"b":1}"#)
        #expect(first.text == #"{"a":2,"b":1,"id":"x"}"#)
        #expect(second.text == first.text)
        #expect(second.hash == first.hash)
        #expect(first.id == "x")
    }

    @Test func hashIsTheFirstSixteenBytesOfSHA256OfTheCanonicalForm() throws {
        // sha256(#"{"a":2,"b":1,"id":"x"}"#) = f627dc27bac2127ad4f6f724ba4a7262…
        let record = try JSONFixture.canonical(#"{"b":1,"a":2,"id":"x"}"#)
        #expect(record.hash == PayloadHash(high: 0xf627_dc27_bac2_127a, low: 0xd4f6_f724_ba4a_7262))
        #expect(try JSONFixture.canonical(#"{"id":"1"}"#).hash.description == "5811967f540d300d249ab30ae681359a")
    }

    @Test func insignificantWhitespaceIsRemoved() throws {
        let spaced = try JSONFixture.canonical(" \r\n\t{ \"id\" :\t\"x\" ,\n \"a\" : [ 1 , { } , [ ] ] , \"s\" : \" a b \" }\n ")
        #expect(spaced.text == #"{"a":[1,{},[]],"id":"x","s":" a b "}"#)
        #expect(spaced.hash == (try JSONFixture.canonical(#"{"s":" a b ","a":[1,{},[]],"id":"x"}"#).hash))
    }

    @Test func nestedObjectsAreSortedRecursivelyAndArraysKeepTheirOrder() throws {
        let record = try JSONFixture.canonical(
            #"{"z":{"b":{"d":1,"c":2},"a":[{"y":1,"x":2},3,1,2]},"id":"1","m":[[3,2],[1]]}"#)
        #expect(record.text == #"{"id":"1","m":[[3,2],[1]],"z":{"a":[{"x":2,"y":1},3,1,2],"b":{"c":2,"d":1}}}"#)
    }

    @Test func keysSortByTheirUTF8BytesAfterDecoding() throws {
        // "B" (0x42) < "_" (0x5F) < "a" (0x61) < "é" (0xC3 0xA9); "\u0061a" decodes to "aa".
        let record = try JSONFixture.canonical(#"{"é":1,"a":2,"\u0061a":3,"_":4,"B":5,"id":"k","":6}"#)
        #expect(record.text == #"{"":6,"B":5,"_":4,"a":2,"aa":3,"id":"k","é":1}"#)
    }

    @Test func aLargeObjectIsSorted() throws {
        let keys = (0..<100).map { "k\(($0 * 37) % 100)" }
        let json = "{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + ",\"id\":\"x\"}"
        let sorted = keys.sorted().map { "\"\($0)\":0" }.joined(separator: ",")
        #expect(try JSONFixture.canonical(json).text == "{\"id\":\"x\"," + sorted + "}")
    }

    @Test func aNumericIDBecomesAString() throws {
        let numeric = try JSONFixture.canonical(#"{"id":42,"a":1}"#)
        #expect(numeric.text == #"{"a":1,"id":"42"}"#)
        #expect(numeric.id == "42")
        #expect(numeric.hash == (try JSONFixture.canonical(#"{"id":"42","a":1}"#).hash))
        #expect(try JSONFixture.canonical(#"{"id":1.0}"#).text == #"{"id":"1"}"#)
        #expect(try JSONFixture.canonical(#"{"id":-7}"#).id == "-7")
        #expect(try JSONFixture.canonical(#"{"id":1.5e300}"#).id == "1.5e+300")
        #expect(try JSONFixture.canonical(#"{"id":123456789012345678901234567890}"#).id
            == "123456789012345678901234567890")
    }

    @Test func aStringIDIsDecodedAndReEscaped() throws {
        let record = try JSONFixture.canonical(#"{"id":"a\u0022b\/c\u00e9"}"#)
        #expect(record.id == "a\"b/cé")
        #expect(record.text == #"{"id":"a\"b/cé"}"#)
    }

    @Test func excludedFieldsStayInTheOutputButNotInTheHash() throws {
        let first = try JSONFixture.canonical(#"{"id":"x","fetched_at":"2024-01-01","name":"n"}"#, excluding: ["fetched_at"])
        let second = try JSONFixture.canonical(#"{"name":"n","fetched_at":"2025-06-30","id":"x"}"#, excluding: ["fetched_at"])
        let without = try JSONFixture.canonical(#"{"id":"x","name":"n"}"#)
        #expect(first.text == #"{"fetched_at":"2024-01-01","id":"x","name":"n"}"#)
        #expect(second.text == #"{"fetched_at":"2025-06-30","id":"x","name":"n"}"#)
        #expect(first.hash == second.hash)
        #expect(first.hash == without.hash)
        #expect(first.hash != (try JSONFixture.canonical(#"{"id":"x","fetched_at":"2024-01-01","name":"n"}"#).hash))
    }

    @Test(arguments: [
        (["a"], #"{"b":2,"id":"x","z":3}"#),
        (["z"], #"{"a":1,"b":2,"id":"x"}"#),
        (["b"], #"{"a":1,"id":"x","z":3}"#),
        (["a", "b", "z"], #"{"id":"x"}"#),
        (["a", "z", "absent"], #"{"b":2,"id":"x"}"#),
        (["absent"], #"{"a":1,"b":2,"id":"x","z":3}"#),
    ])
    func theHashWithExclusionsIsTheHashOfTheRecordWithoutThem(fields: [String], rest: String) throws {
        let record = try JSONFixture.canonical(#"{"z":3,"id":"x","b":2,"a":1}"#, excluding: fields)
        #expect(record.text == #"{"a":1,"b":2,"id":"x","z":3}"#)
        #expect(record.hash == (try JSONFixture.canonical(rest).hash))
    }

    @Test func onlyTopLevelFieldsAreExcluded() throws {
        let nested = try JSONFixture.canonical(#"{"id":"x","n":{"t":1}}"#, excluding: ["t"])
        #expect(nested.hash == (try JSONFixture.canonical(#"{"id":"x","n":{"t":1}}"#).hash))
        #expect(nested.hash != (try JSONFixture.canonical(#"{"id":"x","n":{"t":2}}"#, excluding: ["t"]).hash))
    }

    @Test(arguments: [
        #"{"id":7,"n":[1.0,-0,2.50,1e-7,1E+20,9007199254740992.0,12345678901234567890.5,0.00001]}"#,
        #"{"s":"\u0000\u001f\b\/\"\\\u00e9\ud83d\ude00\u2028","id":"\u0041"}"#,
        #"{"z":{"y":{"x":[{"b":null,"a":true}]}},"id":"x","":false}"#,
    ])
    func theCanonicalFormIsAFixedPoint(json: String) throws {
        let once = try JSONFixture.canonical(json)
        let twice = try JSONFixture.canonical(once.text)
        #expect(twice.text == once.text)
        #expect(twice.hash == once.hash)
        #expect(twice.id == once.id)
    }

    @Test func aCanonicalizerIsReusableAcrossRecords() throws {
        var canonicalizer = CanonicalJSON()
        var output: [UInt8] = []
        for json in [#"{"id":"a","x":{"q":"\n"}}"#, #"{"id":2}"#, #"[1]"#, #"{"id":"c","y":[1.5]}"#] {
            let bytes = Array(json.utf8)
            let fresh = try? JSONFixture.canonical(json)
            let reused = bytes.withUnsafeBytes { bytes in
                try? canonicalizer.canonicalizeRecord(bytes, excluding: .empty, into: &output)
            }
            #expect(reused?.hash == fresh?.hash)
            if let fresh { #expect(String(decoding: output, as: UTF8.self) == fresh.text) }
        }
    }

    @Test func recordIDValidatesAndIgnoresOtherFields() throws {
        var canonicalizer = CanonicalJSON()
        func id(_ json: String) -> Result<String, RecordProblem> {
            Array(json.utf8).withUnsafeBytes { bytes in
                Result { () throws(RecordProblem) in try canonicalizer.recordID(bytes) }
            }
        }
        #expect(try id(#"{"x":{"y":[1,2]},"id":"a"}"#).get() == "a")
        #expect(try id(#"{"id":17}"#).get() == "17")
        #expect(throws: RecordProblem.missingID) { try id(#"{"x":1}"#).get() }
        #expect(throws: RecordProblem.emptyID) { try id(#"{"id":""}"#).get() }
        #expect(throws: RecordProblem.invalidJSON(offset: 14, reason: "unexpected end of input")) {
            try id(#"{"id":"a","x":"#).get()
        }
    }
}
