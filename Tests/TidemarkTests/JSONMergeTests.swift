import Testing
@testable import Tidemark

@Suite struct JSONMergeTests {
    @Test func objectsMergeRecursivelyArraysAndScalarsAreReplaced() throws {
        let merged = try JSONFixture.merge(
            #"{"id":1,"a":{"y":[3],"z":true,"n":{"deep":2}},"c":null,"d":{"e":1}}"#,
            into: #"{"id":"1","a":{"x":1,"y":[1,2],"n":{"keep":1,"deep":1}},"b":"keep","c":5}"#)
        let full = #"{"a":{"n":{"deep":2,"keep":1},"x":1,"y":[3],"z":true},"b":"keep","c":null,"d":{"e":1},"id":"1"}"#
        #expect(merged.text == full)
        #expect(merged.id == "1")
        #expect(merged.hash == (try JSONFixture.canonical(full).hash))
    }

    @Test func nullSetsAFieldToNullAndMissingFieldsAreKept() throws {
        let merged = try JSONFixture.merge(#"{"id":"r","b":null}"#, into: #"{"id":"r","a":1,"b":{"c":2}}"#)
        #expect(merged.text == #"{"a":1,"b":null,"id":"r"}"#)
    }

    @Test func anObjectReplacesAScalarAndAScalarReplacesAnObject() throws {
        let merged = try JSONFixture.merge(#"{"id":"r","a":{"q":1,"p":2},"b":7}"#, into: #"{"id":"r","a":5,"b":{"c":2}}"#)
        #expect(merged.text == #"{"a":{"p":2,"q":1},"b":7,"id":"r"}"#)
    }

    @Test func arraysAreReplacedWhole() throws {
        let merged = try JSONFixture.merge(#"{"id":"r","l":[{"b":1}]}"#, into: #"{"id":"r","l":[{"a":1},{"c":3}]}"#)
        #expect(merged.text == #"{"id":"r","l":[{"b":1}]}"#)
    }

    @Test func thePatchIsCanonicalizedWhateverItsSpelling() throws {
        let merged = try JSONFixture.merge(
            #" { "z" : 1.0 , "\u0061" : { "y" : "\u00e9" } , "id" : 7 } "#, into: #"{"id":"7","a":{"x":[]},"m":1}"#)
        #expect(merged.text == #"{"a":{"x":[],"y":"é"},"id":"7","m":1,"z":1}"#)
        #expect(merged.id == "7")
    }

    @Test func aPatchThatChangesNothingKeepsTheHash() throws {
        let base = #"{"id":"r","a":{"b":[1,2]},"c":"d"}"#
        let merged = try JSONFixture.merge(#"{"id":"r","a":{"b":[1,2]}}"#, into: base)
        #expect(merged.hash == (try JSONFixture.canonical(base).hash))
        #expect(try JSONFixture.merge(#"{"id":"r"}"#, into: base).hash == (try JSONFixture.canonical(base).hash))
    }

    @Test func excludedFieldsMergeButDoNotCountInTheHash() throws {
        let merged = try JSONFixture.merge(
            #"{"id":"r","fetched_at":"2025"}"#, into: #"{"id":"r","fetched_at":"2024","n":1}"#, excluding: ["fetched_at"])
        #expect(merged.text == #"{"fetched_at":"2025","id":"r","n":1}"#)
        #expect(merged.hash == (try JSONFixture.canonical(#"{"id":"r","n":1}"#).hash))
    }

    @Test func thePatchMustBeAValidRecord() {
        let base = #"{"id":"r","a":1}"#
        #expect(throws: RecordProblem.missingID) { try JSONFixture.merge(#"{"a":2}"#, into: base) }
        #expect(throws: RecordProblem.notAnObject) { try JSONFixture.merge(#"[1]"#, into: base) }
        #expect(throws: RecordProblem.emptyID) { try JSONFixture.merge(#"{"id":""}"#, into: base) }
        #expect(throws: RecordProblem.invalidJSON(offset: 21, reason: #"duplicate key "a""#)) {
            try JSONFixture.merge(#"{"a":1,"a":2,"id":"r"}"#, into: base)
        }
        #expect(throws: RecordProblem.tooDeep) {
            try JSONFixture.merge(#"{"id":"r","a":"# + String(repeating: "[", count: 600), into: base)
        }
    }

    @Test func aCorruptStoredPayloadIsReported() {
        #expect(throws: RecordProblem.invalidJSON(
            offset: 0, reason: "stored payload is not valid JSON (invalid JSON at byte 1: unexpected end of input)")) {
            try JSONFixture.merge(#"{"id":"r"}"#, intoStored: Array("{".utf8))
        }
        #expect(throws: RecordProblem.invalidJSON(offset: 0, reason: "stored payload is not a JSON object")) {
            try JSONFixture.merge(#"{"id":"r"}"#, intoStored: Array("[]".utf8))
        }
    }

    @Test func aCanonicalizerMergesRepeatedly() throws {
        var canonicalizer = CanonicalJSON()
        var stored = Array(try JSONFixture.canonical(#"{"id":"r","n":0,"h":[]}"#).text.utf8)
        var output: [UInt8] = []
        for step in 1...5 {
            let patch = Array(#"{"id":"r","n":\#(step),"o":{"s\#(step)":true}}"#.utf8)
            _ = try patch.withUnsafeBytes { patch in
                try stored.withUnsafeBytes { stored in
                    try canonicalizer.merge(patch: patch, into: stored, excluding: .empty, output: &output)
                }
            }
            stored = output
        }
        #expect(String(decoding: stored, as: UTF8.self)
            == #"{"h":[],"id":"r","n":5,"o":{"s1":true,"s2":true,"s3":true,"s4":true,"s5":true}}"#)
    }
}
