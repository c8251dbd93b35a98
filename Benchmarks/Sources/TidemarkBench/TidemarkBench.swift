import ArgumentParser
import BenchmarkSupport
import Foundation

extension BenchDurability: ExpressibleByArgument {}

/// `tidemark-bench`: runs BENCHMARKS.md's workloads for Tidemark, the raw-LMDB floor and the GRDB peer,
/// interleaved, each (round, system) in a fresh child process and a fresh directory, and prints one table.
@main
struct TidemarkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidemark-bench",
        abstract: "Compare Tidemark with the raw-LMDB floor and SQLite/GRDB peer (BENCHMARKS.md).",
        discussion: """
            Each round runs every system once, in order (tidemark, floor, peer, tidemark, floor, peer, ...), each in \
            a fresh child process and a fresh directory, so that neither heap nor page cache carries over. Figures \
            are medians over rounds; ratios are medians of the per-round ratios (same round, same machine state).
            W1/W2 rates count only the time inside the system's write calls (record generation is excluded).
            """)

    @Option(help: "Comma list of W1–W7. W2, W3 and W5 run over W1's store (W1 always runs with them); W6 runs on a store of its own.")
    var workloads = "W1,W2,W3"

    @Option(help: "Records per run (W1/W2/W3/W7 base). Default: \(Defaults.records[.small]!) small, \(Defaults.records[.large]!) large.")
    var records: Int?

    @Option(help: "Records per batch for W1/W2/W7.")
    var batch = 1_000

    @Option(help: "small, large, or small,large.")
    var shape = "small,large"

    @Option(help: "Rounds; medians are taken over them.")
    var rounds = 5

    @Option(help: "durable (default) or fast (MDB_NOMETASYNC; the peer stays WAL + synchronous=NORMAL).")
    var durability = BenchDurability.durable

    @Option(help: "Comma list of systems: tidemark, floor, peer.")
    var systems = "tidemark,floor,peer"

    @Option(help: "W3 page sizes.")
    var pageSizes = "100,10000"

    @Option(help: "W3 replay forms: borrowed (the targets), owned, json, http (the last two tidemark only).")
    var replayForms = "borrowed,owned,json,http"

    @Option(help: "W4 records per writer (BENCHMARKS.md: 100,000).")
    var recordsPerWriter = Defaults.recordsPerWriter

    @Option(help: "W4 writers.")
    var writers = 4

    @Option(help: "W4 readers in the third phase.")
    var readers = 2

    @Option(help: "W7 record counts: the small and the large run (BENCHMARKS.md: 100000,1000000).")
    var memoryRecords = "100000,1000000"

    @Option(help: "Directory for the stores (a real disk, not tmpfs: durability is measured).")
    var scratch = "/tmp"

    @Option(help: "Also write every measurement as JSON to this file.")
    var json: String?

    @Flag(help: "Tiny sizes and 1 round, for CI (< 60 s).")
    var smoke = false

    @Option(help: "Print this many generated records of each selected shape (revision 0 and 1 of the first) and exit.")
    var showRecords: Int?

    @Option(help: .hidden)
    var single: String?

    mutating func run() async throws {
        if let showRecords {
            for shape in try makePlan().shapes {
                let generator = RecordGenerator(shape: shape)
                for index in 0..<showRecords {
                    let record = generator.record(at: index)
                    print("\(shape) #\(index) (\(record.json.count) B): " + String(decoding: record.json, as: UTF8.self))
                }
                let changed = generator.record(at: 0, revision: 1)
                print("\(shape) #0 revision 1 (\(changed.json.count) B): " + String(decoding: changed.json, as: UTF8.self))
            }
            return
        }
        if let single {
            let run = try JSONDecoder().decode(SingleRun.self, from: Data(single.utf8))
            let results = try await execute(run)
            let encoded = try JSONEncoder().encode(results)
            print("RESULT " + String(decoding: encoded, as: UTF8.self))
            return
        }
        try await Orchestrator(plan: makePlan()).run()
    }

    private func makePlan() throws -> Plan {
        func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let shapes = try list(shape).map { name in
            guard let shape = RecordShape(rawValue: name.lowercased()) else { throw ValidationError("unknown shape '\(name)'") }
            return shape
        }
        let systemKinds = try list(systems).map { name in
            guard let kind = SystemKind(rawValue: name.lowercased()) else { throw ValidationError("unknown system '\(name)'") }
            return kind
        }
        let selected = Set(list(workloads).map { $0.uppercased() })
        let known: Set<String> = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"]
        guard selected.isSubset(of: known), !selected.isEmpty else {
            throw ValidationError("workloads are a comma list of W1, W2, W3, W4, W5, W6, W7")
        }
        var plan = Plan(
            shapes: shapes, systems: systemKinds, durability: durability, batch: batch, rounds: rounds,
            recordsOverride: records, chain: !selected.isDisjoint(with: ["W1", "W2", "W3", "W5"]),
            resync: selected.contains("W2"),
            pageSizes: selected.contains("W3") ? try list(pageSizes).map { try Self.int($0) } : [],
            replayForms: try list(replayForms).map { name in
                guard let form = ReplayForm(rawValue: name.lowercased()) else { throw ValidationError("unknown replay form '\(name)'") }
                return form
            },
            deletes: selected.contains("W5"),
            concurrent: selected.contains("W4"), writers: writers, readers: readers,
            recordsPerWriter: recordsPerWriter, concurrentBatch: 100,
            retention: selected.contains("W6"),
            memory: selected.contains("W7"), memoryRecords: try list(memoryRecords).map { try Self.int($0) },
            scratch: scratch, jsonPath: json, smoke: smoke)
        if smoke {
            plan.rounds = 1
            plan.recordsOverride = 3_000
            plan.batch = min(batch, 500)
            plan.recordsPerWriter = 1_000
            plan.memoryRecords = [2_000, 6_000]
            plan.pageSizes = plan.pageSizes.isEmpty ? [] : [100, 10_000]
        }
        guard plan.rounds >= 1, plan.batch >= 1 else { throw ValidationError("rounds and batch must be at least 1") }
        return plan
    }

    private static func int(_ text: String) throws -> Int {
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), value > 0 else {
            throw ValidationError("'\(text)' is not a positive number")
        }
        return value
    }
}

/// Default sizes, scaled down from BENCHMARKS.md so that the default comparison (both shapes, W1–W3, 5 rounds)
/// finishes within about 15 minutes on the 2-core machine.
enum Defaults {
    /// BENCHMARKS.md's sizes.
    static let specRecords: [RecordShape: Int] = [.small: 1_000_000, .large: 300_000]
    /// The default sizes.
    static let records: [RecordShape: Int] = [.small: 200_000, .large: 60_000]
    static let recordsPerWriter = 25_000
}
