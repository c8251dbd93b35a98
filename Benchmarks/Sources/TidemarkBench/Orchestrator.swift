import BenchmarkSupport
import Foundation

/// Everything one invocation runs.
struct Plan: Sendable {
    var shapes: [RecordShape]
    var systems: [SystemKind]
    var durability: BenchDurability
    var batch: Int
    var rounds: Int
    var recordsOverride: Int?
    /// W1 (with W2 and W3 as selected).
    var chain: Bool
    var resync: Bool
    var pageSizes: [Int]
    var replayForms: [ReplayForm]
    /// W5, in the chain.
    var deletes: Bool
    /// W4.
    var concurrent: Bool
    var writers: Int
    var readers: Int
    var recordsPerWriter: Int
    var concurrentBatch: Int
    /// W6.
    var retention: Bool
    /// W7.
    var memory: Bool
    var memoryRecords: [Int]
    var scratch: String
    var jsonPath: String?
    var smoke: Bool

    func records(for shape: RecordShape) -> Int { recordsOverride ?? Defaults.records[shape]! }
}

/// One child's outcome, tagged with where it ran.
struct Outcome: Codable, Sendable {
    var shape: RecordShape
    var system: SystemKind
    var round: Int
    var group: SingleRun.Group
    var measurements: [Measurement]
    var failure: String?
}

/// Runs the plan: one child process per (shape, round, system, group), interleaved, then prints the tables.
struct Orchestrator {
    let plan: Plan

    func run() async throws {
        let started = monotonicNanoseconds()
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
        let root = plan.scratch + "/tidemark-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let executable = try selfExecutable()
        var outcomes: [Outcome] = []
        var sequence = 0

        func child(_ run: SingleRun, round: Int) throws -> Outcome {
            sequence += 1
            var run = run
            run.directory = root + "/\(sequence)-\(run.shape)-\(run.system)-r\(round)"
            try FileManager.default.createDirectory(atPath: run.directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: run.directory) }
            var outcome = Outcome(shape: run.shape, system: run.system, round: round, group: run.group, measurements: [])
            do {
                outcome.measurements = try runChild(executable: executable, run: run)
            } catch {
                outcome.failure = "\(error)"
                progress("  \(run.system) FAILED: \(error)")
            }
            return outcome
        }

        for shape in plan.shapes {
            let records = plan.records(for: shape)
            let base = SingleRun(
                group: .chain, system: .floor, shape: shape, durability: plan.durability, directory: "",
                records: records, batch: plan.batch, resync: plan.resync, replayPageSizes: plan.pageSizes, replayForms: plan.replayForms, deletes: plan.deletes,
                writers: plan.writers, readers: plan.readers, recordsPerWriter: plan.recordsPerWriter,
                concurrentBatch: plan.concurrentBatch)
            if plan.chain {
                for round in 1...plan.rounds {
                    progress("[\(shape) N=\(records) B=\(plan.batch)] W1\(plan.resync ? "+W2" : "")\(plan.pageSizes.isEmpty ? "" : "+W3")\(plan.deletes ? "+W5" : "") round \(round)/\(plan.rounds)")
                    for system in plan.systems {
                        var run = base
                        run.system = system
                        outcomes.append(try child(run, round: round))
                    }
                }
            }
            if plan.concurrent {
                for round in 1...plan.rounds {
                    progress("[\(shape)] W4 \(plan.writers) writers × \(plan.recordsPerWriter), B=\(plan.concurrentBatch) round \(round)/\(plan.rounds)")
                    for system in plan.systems {
                        var run = base
                        run.group = .concurrent
                        run.system = system
                        outcomes.append(try child(run, round: round))
                    }
                }
            }
            if plan.retention {
                for round in 1...plan.rounds {
                    progress("[\(shape)] W6 N=\(records) round \(round)/\(plan.rounds)")
                    for system in plan.systems {
                        var run = base
                        run.group = .retention
                        run.system = system
                        outcomes.append(try child(run, round: round))
                    }
                }
            }
            if plan.memory {
                for round in 1...plan.rounds {
                    for size in plan.memoryRecords {
                        progress("[\(shape)] W7 N=\(size) round \(round)/\(plan.rounds)")
                        for system in plan.systems {
                            var run = base
                            run.group = .memory
                            run.system = system
                            run.records = size
                            outcomes.append(try child(run, round: round))
                        }
                    }
                }
            }
        }

        let seconds = Double(monotonicNanoseconds() - started) / 1e9
        let report = Report(plan: plan, outcomes: outcomes, seconds: seconds, loadAverage: load).render()
        print(report)
        if let path = plan.jsonPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(outcomes).write(to: URL(fileURLWithPath: path))
        }
        if outcomes.contains(where: { $0.failure != nil }) {
            throw BenchError("some runs failed; see above")
        }
    }

    private func selfExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 { return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    /// Runs one `--single` child and decodes the `RESULT` line it prints; its standard error passes through.
    private func runChild(executable: String, run: SingleRun) throws -> [Measurement] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--single", String(decoding: try JSONEncoder().encode(run), as: UTF8.self)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BenchError("child exited with status \(process.terminationStatus)")
        }
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
            throw BenchError("child printed no result")
        }
        return try JSONDecoder().decode([Measurement].self, from: Data(line.dropFirst("RESULT ".count).utf8))
    }
}
