// Micro benchmarks of Tidemark's public hot paths (package-benchmark). Run from Benchmarks/:
//
//     swift package benchmark --target TidemarkMicro
//
// Canonical JSON + payload hash, cursor and view-entry encode/decode are internal to the engine; they are reached
// through its `HotPaths` SPI (`@_spi(Benchmarking)`), made for these benchmarks. The raw SHA-256 of the same bytes
// (what the floor does per record) is here as the reference. Thresholds (p90, committed in Thresholds/) make a
// regression fail `swift package benchmark thresholds check`; see Benchmarks/README.md.

import Benchmark
import BenchmarkSupport
import Crypto
import Foundation
import LMDB
@_spi(Benchmarking) import Tidemark

/// A store in a fresh temporary directory, with a cursor over the generated record indices.
final class Fixture: @unchecked Sendable {
    // Safety: package-benchmark runs one benchmark at a time, on one task.
    let directory: String
    let store: Store
    let generator: RecordGenerator
    var next = 0

    init(shape: RecordShape, durability: Durability) throws {
        directory = NSTemporaryDirectory() + "tidemark-micro-\(UUID().uuidString)"
        var options = StoreOptions()
        options.durability = durability
        store = try Store(directory: directory, options: options)
        generator = RecordGenerator(shape: shape)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    static let connection = ConnectionKey(integrationID: "bench-integration", connectionID: "connection-0")
    static let model = ModelName("Contact")
    static let dataset = DatasetKey(connection: connection, model: model)

    /// A batch of `count` records from index `start`, with a checkpoint.
    func batch(from start: Int, count: Int) -> Batch {
        var records = JSONRecords()
        records.reserveCapacity(records: count, bytesPerRecord: generator.shape == .small ? 240 : 1_100)
        for index in start..<(start + count) { records.append(generator.record(at: index).json) }
        var batch = Batch(connection: Self.connection, sync: "bench-sync")
        batch.save(records, to: Self.model)
        batch.checkpoint = .set(["batch": .number(Double(start / count)), "cursor": .string("page-\(start)")])
        return batch
    }
}

nonisolated(unsafe) var fixture: Fixture?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        maxDuration: .seconds(5),
        maxIterations: 10_000)

    for shape in RecordShape.allCases {
        let records = RecordGenerator(shape: shape).records(0..<1_000).map(\.json)

        // The floor's per-record hash, for reference against the engine's canonical form + hash.
        Benchmark("SHA-256/16 of raw JSON, \(shape) ×1000") { benchmark in
            for _ in benchmark.scaledIterations {
                for record in records { blackHole(SHA256.hash(data: record)) }
            }
        }

        // Canonical form + hash of the same records, as a save computes them (parse, sort keys, write, SHA-256).
        Benchmark("canonical JSON + hash, \(shape) ×1000") { benchmark in
            var paths = HotPaths()
            for _ in benchmark.scaledIterations {
                for record in records { blackHole(try paths.canonicalizeAndHash(record)) }
            }
        }

        // One batch of 1,000 new records: parse, canonical form, hash, view lookup, log append, view upsert,
        // checkpoint, commit. Relaxed durability, so the figure is CPU and not the disk flush.
        Benchmark("write 1,000 new \(shape) records, relaxed") { benchmark in
            guard let fixture else { return }
            let batch = fixture.batch(from: fixture.next, count: 1_000)
            fixture.next += 1_000
            benchmark.startMeasurement()
            blackHole(try await fixture.store.write(batch))
        } setup: {
            fixture = try Fixture(shape: shape, durability: .relaxed)
        } teardown: {
            fixture = nil
        }

        // The same 1,000 records again: all unchanged (W2's common case).
        Benchmark("write 1,000 unchanged \(shape) records, relaxed") { benchmark in
            guard let fixture else { return }
            let batch = fixture.batch(from: 0, count: 1_000)
            benchmark.startMeasurement()
            blackHole(try await fixture.store.write(batch))
        } setup: {
            let made = try Fixture(shape: shape, durability: .relaxed)
            try await made.store.write(made.batch(from: 0, count: 1_000))
            fixture = made
        } teardown: {
            fixture = nil
        }

        // A page of 1,000 records read from the first cursor, and its platform JSON rendering.
        Benchmark("read a page of 1,000 \(shape) records") { benchmark in
            guard let fixture else { return }
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.store.records(in: Fixture.dataset, RecordQuery(limit: 1_000)))
            }
        } setup: {
            let made = try Fixture(shape: shape, durability: .relaxed)
            try await made.store.write(made.batch(from: 0, count: 1_000))
            fixture = made
        } teardown: {
            fixture = nil
        }

        Benchmark("render a page of 1,000 \(shape) records as platform JSON") { benchmark in
            guard let fixture else { return }
            let page = try fixture.store.records(in: Fixture.dataset, RecordQuery(limit: 1_000))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(page.json) }
        } setup: {
            let made = try Fixture(shape: shape, durability: .relaxed)
            try await made.store.write(made.batch(from: 0, count: 1_000))
            fixture = made
        } teardown: {
            fixture = nil
        }
    }

    Benchmark("cursor encode + decode ×1000") { benchmark in
        let paths = HotPaths()
        for _ in benchmark.scaledIterations {
            for sequence in 1...UInt64(1_000) { blackHole(try paths.cursorRoundTrip(dataset: 3, sequence: sequence << 20)) }
        }
    }

    Benchmark("view entry encode + decode ×1000") { benchmark in
        var paths = HotPaths()
        for _ in benchmark.scaledIterations {
            for sequence in 1...UInt64(1_000) { blackHole(try paths.viewEntryRoundTrip(sequence: sequence)) }
        }
    }

    // One durable batch: the flush included.
    Benchmark("write 1,000 new small records, durable") { benchmark in
        guard let fixture else { return }
        let batch = fixture.batch(from: fixture.next, count: 1_000)
        fixture.next += 1_000
        benchmark.startMeasurement()
        blackHole(try await fixture.store.write(batch))
    } setup: {
        fixture = try Fixture(shape: .small, durability: .durable)
    } teardown: {
        fixture = nil
    }
}
