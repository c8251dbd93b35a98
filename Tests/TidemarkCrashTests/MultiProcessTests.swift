import Foundation
import Testing
@testable import Tidemark

/// Two `tidemark-crash-writer` processes write one dataset at full speed while the test process tails it
/// (issue 7): no change is lost or duplicated, every cursor is handed out once and in commit order across the
/// processes, and a reader process killed inside a read transaction leaves no stuck reader slot.
///
/// `TIDEMARK_MULTIPROCESS_BATCHES` sets the batches per writer (default 300).
@Suite("Several processes on one store", .serialized)
struct MultiProcessTests {
    /// Batches each writer commits.
    static let batches = ProcessInfo.processInfo.environment["TIDEMARK_MULTIPROCESS_BATCHES"].flatMap(Int.init) ?? 300

    /// A scratch directory, removed by the caller.
    private static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-multiprocess-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func twoWritersAndATailingReaderLoseNothing() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = Date()
        let store = try Store(directory: directory + "/store")
        let oracles = [CrashOracle(prefix: "a"), CrashOracle(prefix: "b")]
        let writers = try oracles.map { oracle in
            try WriterProcess(store: directory + "/store", ack: directory + "/ack-\(oracle.prefix)", stderr: directory + "/stderr",
                              arguments: ["--sync", oracle.prefix, "--prefix", oracle.prefix, "--batches", String(Self.batches)])
        }

        var tail = StreamTail()
        var snapshotChecks = 0
        while writers.contains(where: \.isRunning) {
            if try tail.poll(store) == 0 { Thread.sleep(forTimeInterval: 0.0005) }
            for oracle in oracles {
                // Records only ever arrive: whatever the checkpoint names is already there in a later read.
                let batch = try CrashOracle.checkpointedBatch(of: oracle.prefix, in: store)
                if batch > 0 {
                    #expect(try store.record("\(oracle.prefix)\(batch)-1", in: CrashOracle.dataset) != nil,
                            "the checkpoint of \(oracle.prefix) names batch \(batch) but its records are missing")
                    snapshotChecks += 1
                }
            }
        }
        for writer in writers { try writer.waitForSuccess() }
        while try tail.poll(store) > 0 {}
        let seconds = Date().timeIntervalSince(started)

        for oracle in oracles {
            #expect(try CrashOracle.checkpointedBatch(of: oracle.prefix, in: store) == Self.batches)
            let acknowledged = WriterProcess.acknowledgements(in: directory + "/ack-\(oracle.prefix)")
            #expect(acknowledged == (1...Self.batches).map(String.init))
        }
        let stream = try store.stream()
        let ids = stream.map(\.id)
        #expect(ids.count == Set(ids).count, "a record is twice in the stream")
        var expected: [String: CrashOracle.Expected] = [:]
        for oracle in oracles { expected.merge(oracle.records(after: Self.batches)) { first, _ in first } }
        let found = Dictionary(stream.map { ($0.id, CrashOracle.Expected(payload: $0.payloadText, deleted: $0.metadata.deletedAt != nil)) },
                               uniquingKeysWith: { first, _ in first })
        #expect(found == expected, "\(found.count) records found, \(expected.count) expected")
        let sequences = try stream.map { try sequence(of: $0.metadata.cursor) }
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 }, "the stream's cursors are not strictly increasing")
        for oracle in oracles {
            // Records no later batch touches keep their commit order: batch by batch, in batch order.
            let untouched = stream.map(\.id).filter { id in
                id.hasPrefix(oracle.prefix) && !id.hasSuffix("-0") && !id.hasSuffix("-\(oracle.records - 1)")
            }
            let written = (1...Self.batches).flatMap { k in (1..<(oracle.records - 1)).map { "\(oracle.prefix)\(k)-\($0)" } }
            #expect(untouched == written, "the records of writer \(oracle.prefix) are not in commit order")
        }
        #expect(tail.seen == Set(expected.keys), "the tailing reader missed \(Set(expected.keys).subtracting(tail.seen).count) records")
        #expect(tail.outOfOrder == 0, "the tailing reader saw \(tail.outOfOrder) cursors out of order")
        let counts = try store.counts(of: CrashOracle.dataset)
        let expectedCounts = oracles.map { $0.counts(after: Self.batches) }
        #expect(counts.live == expectedCounts.map(\.live).reduce(0, +) && counts.deleted == expectedCounts.map(\.deleted).reduce(0, +))
        let report = try store.verify()
        #expect(report.isConsistent, "verify: \(report.problems)")
        print("multi-process: 2 writers × \(Self.batches) batches (\(stream.count) records, \(sequences.last ?? 0) changes) " +
              "in \(String(format: "%.1f", seconds)) s; the tailing reader made \(tail.polls) reads and saw \(tail.changes) changes, " +
              "\(snapshotChecks) checkpoint-before-records checks")
    }

    @Test func readerKilledInsideATransactionLeavesNoStuckSlot() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(directory: directory + "/store")
        store.environment.clearStaleReaders()
        let before = store.environment.info.readers
        let holder = try WriterProcess(store: directory + "/store", ack: directory + "/ack", stderr: directory + "/stderr", arguments: ["--hold-read"])
        try holder.waitForAcknowledgements(1)
        #expect(WriterProcess.acknowledgements(in: directory + "/ack") == ["ready"])
        holder.kill()
        let cleared = store.environment.clearStaleReaders()
        #expect(cleared == 1, "the killed reader left \(cleared) stale slots")
        #expect(store.environment.clearStaleReaders() == 0)
        print("killed reader: \(cleared) stale slot cleared; reader table high-water mark \(before) before, " +
              "\(store.environment.info.readers) after")
    }
}
