import Testing
@testable import Tidemark

@Suite struct JSONScalarTests {
    @Test(arguments: [
        ("1", "1"), ("0", "0"), ("-0", "0"), ("-12", "-12"), ("1.0", "1"), ("1e0", "1"), ("10E-1", "1"),
        ("1E2", "100"), ("-0.0", "0"), ("-0e5", "0"), ("1.5", "1.5"), ("-1.5e3", "-1500"), ("0.1", "0.1"),
        ("2.5e-3", "0.0025"), ("1e20", "1e+20"), ("1e-7", "1e-07"), ("1e-400", "0"), ("0.10", "0.1"),
        ("0.05", "0.05"), ("0.0001", "0.0001"), ("0.00001", "1e-05"), ("-0.000", "0"), ("51.5074", "51.5074"),
        ("99999999999999.99", "99999999999999.98"), ("123456789012345.5", "123456789012345.5"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("-9007199254740993", "-9007199254740993"),
        ("9007199254740991.0", "9007199254740991"), ("9007199254740992.0", "9007199254740992.0"), ("1e16", "1e+16"), ("123456789012345678.5", "1.2345678901234568e+17"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
    ])
    func numbersHaveOneSpelling(literal: String, canonical: String) throws {
        #expect(try JSONFixture.canonical(#"{"id":"x","n":\#(literal)}"#).text == #"{"id":"x","n":\#(canonical)}"#)
    }

    @Test(arguments: [
        ("1e400", 14, "the number 1e400 is out of range of a 64-bit float"),
        ("-1E+309", 14, "the number -1E+309 is out of range of a 64-bit float"),
        ("01", 14, "invalid number: leading zero"),
        ("-01", 14, "invalid number: leading zero"),
        ("1.", 14, "invalid number: expected a digit after '.'"),
        ("1.e3", 14, "invalid number: expected a digit after '.'"),
        ("1e", 14, "invalid number: expected a digit in the exponent"),
        ("1e+", 14, "invalid number: expected a digit in the exponent"),
        ("-", 14, "invalid number: expected a digit"),
        ("-a", 14, "invalid number: expected a digit"),
        (".5", 14, "expected a value, found '.'"),
        ("+1", 14, "expected a value, found '+'"),
        ("NaN", 14, "expected a value, found 'N'"),
        ("Infinity", 14, "expected a value, found 'I'"),
        ("0x10", 15, "expected ',' or '}', found 'x'"),
    ])
    func malformedOrNonFiniteNumbersAreRejected(literal: String, offset: Int, reason: String) {
        #expect(JSONFixture.problem(#"{"id":"x","n":\#(literal)}"#) == .invalidJSON(offset: offset, reason: reason))
    }

    @Test func plainDecimalsGetTheSpellingOfTheirDoubleValue() throws {
        // Some plain decimals are kept as written without a round trip through Double: check that this gives
        // what the rule gives, the integer or Swift's description of the Double.
        var generator = JSONFixture.SeededGenerator(seed: 20_240_501)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in "0000123456789".randomElement(using: &generator)! })
        }
        for _ in 0..<2_000 {
            let integer = Bool.random(using: &generator) ? "0" : "1" + digits(Int.random(in: 0...16, using: &generator))
            let literal = (Bool.random(using: &generator) ? "-" : "") + integer + "."
                + digits(Int.random(in: 0...3, using: &generator)) + digits(Int.random(in: 1...17, using: &generator))
            let value = try #require(Double(literal))
            let expected = value.rounded(.towardZero) == value && value.magnitude < 0x1p53
                ? String(Int64(value)) : value.description
            #expect(try JSONFixture.canonical(#"{"id":"x","n":\#(literal)}"#).text == #"{"id":"x","n":\#(expected)}"#,
                "\(literal)")
        }
    }

    @Test func equalNumbersSpelledDifferentlyHashAlike() throws {
        let hashes = try ["1", "1.0", "1e0", "10E-1", "0.1e1"].map { try JSONFixture.canonical(#"{"id":"x","n":\#($0)}"#).hash }
        #expect(Set(hashes).count == 1)
    }

    @Test(arguments: [
        (#""\u0041""#, #""A""#),
        (#""\ud83d\ude00""#, "\"😀\""),
        (#""\uD83D\uDE00""#, "\"😀\""),
        (#""\u00e9\u00E9é""#, #""ééé""#),
        (#""\/\"\\""#, #""/\"\\""#),
        (#""\b\f\n\r\t""#, #""\b\f\n\r\t""#),
        (#""\u0008\u000C\u000a\u000D\u0009""#, #""\b\f\n\r\t""#),
        (#""\u0000\u0001\u001F\u001f""#, #""\u0000\u0001\u001f\u001f""#),
        (#""\u007f\u2028""#, "\"\u{7F}\u{2028}\""),
        ("\"\u{7F}\"", "\"\u{7F}\""),
        (#""plain ascii""#, #""plain ascii""#),
        (#""a long string of more than eight bytes\n with an escape in the middle""#,
         #""a long string of more than eight bytes\n with an escape in the middle""#),
        ("\"non-ASCII after eight bytes: 日本語 and after: ok\"", "\"non-ASCII after eight bytes: 日本語 and after: ok\""),
    ])
    func stringsAreReEscapedCanonically(literal: String, canonical: String) throws {
        #expect(try JSONFixture.canonical(#"{"id":"x","s":\#(literal)}"#).text == #"{"id":"x","s":\#(canonical)}"#)
    }

    @Test func escapedAndPlainSpellingsHashAlike() throws {
        let plain = try JSONFixture.canonical(#"{"id":"x","A":"A😀"}"#)
        let escaped = try JSONFixture.canonical(#"{"\u0041":"\u0041\ud83d\ude00","\u0069d":"\u0078"}"#)
        #expect(escaped.text == plain.text)
        #expect(escaped.hash == plain.hash)
        #expect(escaped.id == "x")
    }

    @Test(arguments: [
        (#""\ud83d""#, 15, #"lone high surrogate \ud83d"#),
        (#""\ud83d\u0041""#, 15, #"lone high surrogate \ud83d"#),
        (#""\ud83dx""#, 15, #"lone high surrogate \ud83d"#),
        (#""\ude00""#, 15, #"lone low surrogate \ude00"#),
        (#""\u12""#, 19, #"expected four hex digits after \u"#),
        (#""\u12G4""#, 19, #"expected four hex digits after \u"#),
        (#""\x""#, 15, #"invalid escape \x"#),
        (#""\'""#, 15, #"invalid escape \'"#),
    ])
    func badEscapesAreRejected(literal: String, offset: Int, reason: String) {
        #expect(JSONFixture.problem(#"{"id":"x","s":\#(literal)}"#) == .invalidJSON(offset: offset, reason: reason))
    }

    @Test func rawControlCharactersInStringsAreRejected() {
        for byte in [UInt8(0x00), 0x01, 0x0A, 0x1F] {
            let bytes = Array(#"{"id":"a"#.utf8) + [byte] + Array(#""}"#.utf8)
            #expect(JSONFixture.problem(bytes: bytes)
                == .invalidJSON(offset: 8, reason: "unescaped control character byte 0x\(String(byte, radix: 16)) in a string"))
        }
    }

    @Test(arguments: [
        [0xFF], [0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x28, 0xA1],
    ] as [[UInt8]])
    func invalidUTF8IsRejected(sequence: [UInt8]) {
        let bytes = Array(#"{"id":"x","s":"ab"#.utf8) + sequence + Array(#"cd"}"#.utf8)
        #expect(JSONFixture.problem(bytes: bytes) == .invalidJSON(offset: 17, reason: "invalid UTF-8"))
        let escaped = Array(#"{"id":"x","s":"\nb"#.utf8) + sequence + Array(#"cd"}"#.utf8)
        #expect(JSONFixture.problem(bytes: escaped) == .invalidJSON(offset: 18, reason: "invalid UTF-8"))
    }

    @Test func validUTF8OfEveryLengthIsKept() throws {
        let text = "\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"
        #expect(try JSONFixture.canonical(#"{"id":"x","s":"\#(text)"}"#).text == #"{"id":"x","s":"\#(text)"}"#)
    }

    @Test func literalsAreKept() throws {
        #expect(try JSONFixture.canonical(#"{"id":"x","t":true,"f":false,"n":null}"#).text
            == #"{"f":false,"id":"x","n":null,"t":true}"#)
        #expect(JSONFixture.problem(#"{"id":"x","t":tru}"#) == .invalidJSON(offset: 14, reason: "expected a value, found 't'"))
        #expect(JSONFixture.problem(#"{"id":"x","t":True}"#) == .invalidJSON(offset: 14, reason: "expected a value, found 'T'"))
    }
}
