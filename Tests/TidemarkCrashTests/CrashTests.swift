import Foundation
import Testing
@testable import Tidemark

/// Kills `tidemark-crash-writer` with SIGKILL at random moments and checks the store it leaves (issue 7):
/// every acknowledged batch is there in full (durable mode), no batch is there in part or without its
/// checkpoint, the checkpoint counts exactly the batches before it, the view matches the log, counts are exact,
/// and a cursor handed out before the kill pages on without losing a change.
///
/// `TIDEMARK_CRASH_KILLS` sets the number of kills of the durable run (default 100; the relaxed run does a
/// quarter of it).
@Suite("Crash recovery under SIGKILL", .serialized)
struct CrashTests {
    /// The number of kills of the durable run.
    static let kills = ProcessInfo.processInfo.environment["TIDEMARK_CRASH_KILLS"].flatMap(Int.init) ?? 100

    @Test func durableBatchesSurviveKills() throws {
        let figures = try CrashRun(relaxed: false).run(kills: Self.kills)
        print("crash (durable): \(figures)")
        #expect(figures.kills == Self.kills)
        #expect(figures.lostAcknowledged == 0)
    }

    @Test func relaxedStoreHoldsAPrefixAfterKills() throws {
        let figures = try CrashRun(relaxed: true).run(kills: max(1, Self.kills / 4))
        print("crash (relaxed): \(figures)")
        #expect(figures.kills == max(1, Self.kills / 4))
    }
}

/// What a crash run did.
struct CrashFigures: CustomStringConvertible {
    /// Writers killed.
    var kills = 0
    /// Kills that landed before the writer acknowledged anything in that round.
    var earlyKills = 0
    /// Batches committed in the end (each verified in full after every later kill).
    var batches = 0
    /// Batches acknowledged by a writer but missing after the kill (must stay 0 in durable mode).
    var lostAcknowledged = 0
    /// Batches committed but killed before their acknowledgement was written.
    var unacknowledgedCommits = 0
    /// Wall time in seconds.
    var seconds = 0.0

    var description: String {
        "\(kills) kills (\(earlyKills) before the first ack of their round), \(batches) batches verified, " +
            "\(unacknowledgedCommits) committed-but-unacknowledged, \(lostAcknowledged) acknowledged-but-lost, " +
            String(format: "%.1f s", seconds)
    }
}

/// One store, killed writer after killed writer, checked after each kill.
struct CrashRun {
    /// Whether the writer commits with ``Durability/relaxed``.
    let relaxed: Bool
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-crash-\(UUID().uuidString)").path
    private let oracle = CrashOracle()

    init(relaxed: Bool) {
        self.relaxed = relaxed
    }

    /// Runs `kills` rounds of start, wait for a random number of acknowledgements, SIGKILL, check.
    func run(kills: Int) throws -> CrashFigures {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = Date()
        let store = directory + "/store", ack = directory + "/ack", stderr = directory + "/stderr"
        var figures = CrashFigures()
        var verified = 0
        var cursor: String?
        for _ in 0..<kills {
            let acknowledged = WriterProcess.acknowledgements(in: ack).count
            let writer = try WriterProcess(store: store, ack: ack, stderr: stderr, arguments: relaxed ? ["--relaxed"] : [])
            let target = Int.random(in: 0...6)
            if target == 0 {
                Thread.sleep(forTimeInterval: Double.random(in: 0..<0.04))
                figures.earlyKills += 1
            } else {
                try writer.waitForAcknowledgements(acknowledged + target)
                Thread.sleep(forTimeInterval: Double.random(in: 0..<0.003))
            }
            writer.kill()
            figures.kills += 1
            let lastAcknowledged = WriterProcess.acknowledgements(in: ack).last.flatMap(Int.init) ?? 0
            let batch = try check(store: store, after: verified, cursor: &cursor)
            if batch < lastAcknowledged { figures.lostAcknowledged += lastAcknowledged - batch }
            if !relaxed {
                #expect(batch >= lastAcknowledged, "acknowledged batch \(lastAcknowledged) is missing; the checkpoint names \(batch)")
            }
            figures.unacknowledgedCommits += max(0, batch - lastAcknowledged)
            verified = batch
        }
        figures.batches = verified
        figures.seconds = Date().timeIntervalSince(started)
        return figures
    }

    /// Opens the store, checks it against the oracle at its checkpoint, checks that `cursor` (taken after the
    /// previous kill, when the checkpoint named `previous`) pages on through exactly the changes made since,
    /// replaces `cursor` with the current last cursor, and returns the checkpointed batch.
    private func check(store path: String, after previous: Int, cursor: inout String?) throws -> Int {
        let store = try Store(directory: path)
        let batch = try CrashOracle.checkpointedBatch(of: "crash", in: store)
        try #require(batch >= previous, "the store went back from batch \(previous) to \(batch)")

        let stream = try store.stream()
        var found: [String: CrashOracle.Expected] = [:]
        for record in stream {
            #expect(found[record.id] == nil, "\(record.id) is twice in the stream")
            found[record.id] = CrashOracle.Expected(payload: record.payloadText, deleted: record.metadata.deletedAt != nil)
        }
        let expected = oracle.records(after: batch)
        if found != expected {
            let wrong = Set(found.keys).union(expected.keys).filter { found[$0] != expected[$0] }.sorted().prefix(5)
            let details = wrong.map { "\($0): found \(String(describing: found[$0])), expected \(String(describing: expected[$0]))" }
            Issue.record("at batch \(batch) the store differs from the oracle: \(details.joined(separator: "; "))")
        }
        let sequences = try stream.map { try sequence(of: $0.metadata.cursor) }
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 }, "the stream's cursors are not strictly increasing")

        let counts = try store.counts(of: CrashOracle.dataset)
        let expectedCounts = oracle.counts(after: batch)
        #expect(counts.live == expectedCounts.live && counts.deleted == expectedCounts.deleted,
                "counts \(counts) at batch \(batch), expected \(expectedCounts)")
        let report = try store.verify()
        #expect(report.isConsistent, "verify: \(report.problems)")

        let since = try store.stream(after: cursor).map(\.id)
        #expect(since.count == Set(since).count, "a change is twice after the old cursor")
        #expect(Set(since) == oracle.changed(after: previous, through: batch),
                "after the cursor of batch \(previous): \(since.count) changes, expected those of batches \(previous + 1)...\(batch)")
        cursor = try store.lastCursor(of: CrashOracle.dataset) ?? cursor
        return batch
    }
}
