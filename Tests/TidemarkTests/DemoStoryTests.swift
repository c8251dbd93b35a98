import Testing
@testable import Tidemark
import TidemarkExamples

@Suite("The demo story")
struct DemoStoryTests {
    @Test func theStoryResumesReplaysAndDetectsDeletions() async throws {
        let fixture = try Fixture()
        var lines: [String] = []
        let outcome = try await DemoStory(contacts: 1_000, pageSize: 100).play(on: fixture.store) { lines.append($0) }
        #expect(outcome.savedBeforeCrash > 0 && outcome.savedBeforeCrash < 1_000)
        #expect(outcome.savedBeforeCrash % 100 == 0)
        #expect(outcome.resumedRequests == Int(1_000 - outcome.savedBeforeCrash) / 100)
        #expect(outcome.firstReplay == 1_000)
        #expect(outcome.incrementalUpdates == 25)
        #expect(outcome.replayAfterIncremental == [.updated: 25])
        #expect(outcome.refreshDeletes == 10)
        #expect(outcome.replayAfterRefresh == [.deleted: 10])
        #expect(outcome.consistent)
        #expect(lines.count == 8)
    }

    @Test func playingTwiceStartsCleanEachTime() async throws {
        let fixture = try Fixture()
        let story = DemoStory(contacts: 300, pageSize: 100)
        let first = try await story.play(on: fixture.store) { _ in }
        let second = try await story.play(on: fixture.store) { _ in }
        #expect(first == second)
    }
}
