import Testing
@testable import Tidemark

@Suite struct JSONRejectionTests {
    @Test(arguments: [#"[1]"#, #""x""#, "42", "null", "true", "[]", #"[{"id":"x"}]"#])
    func aRecordMustBeAnObject(json: String) {
        #expect(JSONFixture.problem(json) == .notAnObject)
    }

    @Test(arguments: [#"{}"#, #"{"ID":"x"}"#, #"{"a":{"id":"x"}}"#, #"{"id ":"x"}"#])
    func aRecordMustHaveAnID(json: String) {
        #expect(JSONFixture.problem(json) == .missingID)
    }

    @Test(arguments: [#"{"id":null}"#, #"{"id":true}"#, #"{"id":false}"#, #"{"id":[]}"#, #"{"id":{"id":"x"}}"#])
    func theIDMustBeAStringOrANumber(json: String) {
        #expect(JSONFixture.problem(json) == .idNotStringOrNumber)
    }

    @Test func theIDMustNotBeEmpty() {
        #expect(JSONFixture.problem(#"{"id":""}"#) == .emptyID)
    }

    @Test func theIDMayHaveAtMost255UTF8Bytes() throws {
        #expect(try JSONFixture.canonical(#"{"id":"\#(String(repeating: "a", count: 255))"}"#).id.utf8.count == 255)
        #expect(JSONFixture.problem(#"{"id":"\#(String(repeating: "a", count: 256))"}"#) == .idTooLong(byteCount: 256))
        #expect(JSONFixture.problem(#"{"id":"\#(String(repeating: "é", count: 128))"}"#) == .idTooLong(byteCount: 256))
        #expect(JSONFixture.problem(#"{"id":"\#(String(repeating: #"\u00e9"#, count: 128))"}"#) == .idTooLong(byteCount: 256))
        #expect(JSONFixture.problem(#"{"id":\#(String(repeating: "9", count: 300))}"#) == .idTooLong(byteCount: 300))
    }

    @Test func theIDMustNotContainNUL() {
        #expect(JSONFixture.problem(#"{"id":"a\u0000b"}"#) == .idContainsNUL)
    }

    @Test(arguments: [
        (#"{"id":"x","a":1,"a":2}"#, 21, #"duplicate key "a""#),
        (#"{"id":"x","a":1,"\u0061":2}"#, 26, #"duplicate key "a""#),
        (#"{"id":"x","id":"y"}"#, 18, #"duplicate key "id""#),
        (#"{"id":"x","n":{"b":1,"b":1}}"#, 26, #"duplicate key "b""#),
    ])
    func duplicateKeysAreRejected(json: String, offset: Int, reason: String) {
        #expect(JSONFixture.problem(json) == .invalidJSON(offset: offset, reason: reason))
    }

    /// A canonical record whose field `a` holds `depth - 1` nested arrays: the record's object is level 1.
    private func nested(depth: Int) -> String {
        #"{"a":"# + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + #","id":"x"}"#
    }

    @Test func nestingIsLimitedTo512Levels() throws {
        #expect(try JSONFixture.canonical(nested(depth: 512)).text == nested(depth: 512))
        #expect(JSONFixture.problem(nested(depth: 513)) == .tooDeep)
        #expect(JSONFixture.problem(String(repeating: "[", count: 200_000)) == .tooDeep)
        #expect(JSONFixture.problem(String(repeating: #"{"a":"#, count: 100_000)) == .tooDeep)
    }

    @Test(arguments: [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        (#"{"id":"x"} x"#, 11, "unexpected 'x' after the JSON value"),
        (#"{"id":"x"}{}"#, 10, "unexpected '{' after the JSON value"),
        (#"{"id":"x",}"#, 10, "expected a string key, found '}'"),
        (#"{"id":"x" "a":1}"#, 10, #"expected ',' or '}', found '"'"#),
        (#"{"id" "x"}"#, 6, #"expected ':' after an object key, found '"'"#),
        (#"{id:"x"}"#, 1, "expected a string key, found 'i'"),
        (#"{"id":"x","a":[1,]}"#, 17, "expected a value, found ']'"),
        (#"{"id":"x","a":[1 2]}"#, 17, "expected ',' or ']', found '2'"),
        (#"{"id":"x","a":[1}"#, 16, "expected ',' or ']', found '}'"),
        (#"{"id":'x'}"#, 6, "expected a value, found '''"),
        (#"{"id":"x"}// comment"#, 10, "unexpected '/' after the JSON value"),
        ("\u{FEFF}{\"id\":\"x\"}", 0, "expected a value, found byte 0xef"),
        (#"{"id":"x"#, 6, "unterminated string"),
    ])
    func invalidJSONSaysWhereAndWhy(json: String, offset: Int, reason: String) {
        #expect(JSONFixture.problem(json) == .invalidJSON(offset: offset, reason: reason))
    }

    @Test func everyTruncationOfARecordIsRejected() throws {
        let record = Array(
            (#"{"id":"r-1","name":"Ad\u00e9la \ud83d\ude00 é","n":-12.5e-1,"big":123456789012345678901,"#
                + #""t":true,"f":false,"z":null,"list":[1,[2,{}],{"k":"v"}],"o":{"p":{"q":[]}}}"#).utf8)
        _ = try JSONFixture.canonical(bytes: record)
        for length in 0..<record.count {
            guard case .invalidJSON = JSONFixture.problem(bytes: Array(record[..<length])) else {
                Issue.record("the first \(length) bytes were not rejected as invalid JSON")
                continue
            }
        }
    }

    @Test func everyProblemExplainsItself() {
        let problems: [RecordProblem] = [
            .invalidJSON(offset: 3, reason: "unexpected end of input"), .notAnObject, .missingID,
            .idNotStringOrNumber, .emptyID, .idTooLong(byteCount: 300), .idContainsNUL, .tooDeep,
        ]
        #expect(problems.map(\.description) == [
            "invalid JSON at byte 3: unexpected end of input",
            #"the record is not a JSON object; send each record as {"id": ..., ...}"#,
            #"the record has no "id" field; every record needs the external API's primary key as "id""#,
            #"the record's "id" must be a string or a number"#,
            #"the record's "id" is an empty string"#,
            #"the record's "id" is 300 bytes long in UTF-8; the limit is 255"#,
            #"the record's "id" contains a NUL character (\u0000), which ids may not contain"#,
            "the record nests arrays and objects more than 512 levels deep",
        ])
    }
}
