import Testing
@testable import Tidemark

@Suite struct JSONTextTests {
    @Test func stringsAreQuotedAndEscapedCanonically() {
        var output: [UInt8] = []
        JSONText.appendString("a\"b\\c\n\t\u{1}\u{1F}\u{7F}é/😀", to: &output)
        #expect(String(decoding: output, as: UTF8.self) == #""a\"b\\c\n\t\u0001\u001f"# + "\u{7F}é/😀\"")
    }

    @Test func byteCollectionsAreEscapedLikeStrings() {
        var contiguous: [UInt8] = [UInt8(ascii: "x")]
        JSONText.appendString(utf8: Array("q\"\r".utf8), to: &contiguous)
        var generic: [UInt8] = [UInt8(ascii: "x")]
        JSONText.appendString(utf8: Array("q\"\r".utf8).lazy.map { $0 }, to: &generic)
        #expect(String(decoding: contiguous, as: UTF8.self) == #"x"q\"\r""#)
        #expect(generic == contiguous)
        var empty: [UInt8] = []
        JSONText.appendString("", to: &empty)
        #expect(empty == Array(#""""#.utf8))
    }

    @Test func payloadHashesRoundTripThroughSixteenBigEndianBytes() {
        let hash = PayloadHash(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        var bytes: [UInt8] = [0xAA]
        hash.write(to: &bytes)
        #expect(bytes == [0xAA] + Array(1...16))
        #expect(bytes.withUnsafeBytes { PayloadHash(bytes: UnsafeRawBufferPointer(rebasing: $0.dropFirst())) } == hash)
        #expect(hash.description == "0102030405060708090a0b0c0d0e0f10")
    }

    @Test func fieldSetsMatchWholeNamesOnly() {
        let fields = FieldSet(["fetched_at", "b", "fetched_at"])
        func contains(_ name: String) -> Bool { Array(name.utf8).withUnsafeBytes { fields.contains($0) } }
        #expect(contains("fetched_at") && contains("b"))
        #expect(!contains("fetched") && !contains("fetched_at_") && !contains("a") && !contains(""))
        #expect(FieldSet.empty.isEmpty && !fields.isEmpty)
        #expect(fields == FieldSet(["b", "fetched_at"]))
    }
}
