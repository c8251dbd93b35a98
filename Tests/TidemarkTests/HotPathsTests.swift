import Testing
@_spi(Benchmarking) import Tidemark

@Suite("The micro benchmarks' entry points do the engine's work")
struct HotPathsTests {
    @Test func canonicalizationRoundTripsAndRejectionsMatchTheSavePath() throws {
        var paths = HotPaths()
        #expect(try paths.canonicalizeAndHash(Array(#"{ "b": 1, "id": "x", "a": [true, null] }"#.utf8)) ==
            #"{"a":[true,null],"b":1,"id":"x"}"#.utf8.count)
        #expect(throws: RecordProblem.missingID) { try paths.canonicalizeAndHash(Array(#"{"a":1}"#.utf8)) }
        #expect(try paths.cursorRoundTrip(dataset: 7, sequence: 1 << 40) == 1 << 40)
        #expect(try paths.viewEntryRoundTrip(sequence: 12_345) == 12_345)
    }
}
