import BenchmarkSupport
import Foundation
import Synchronization

/// What one child process runs: one system, one shape, one workload group, in a fresh directory.
struct SingleRun: Codable, Sendable {
    enum Group: String, Codable, Sendable {
        /// W1 backfill, then W2 re-sync and W3 replay over the same store, as selected.
        case chain
        /// W4: 1 writer, then `writers` writers, then `writers` writers with `readers` readers, each on a fresh store.
        case concurrent
        /// W7: W1 only, with the heap sampled.
        case memory
        /// W6: N records, each updated 3 times, half of them before the clock moves past the payload TTL; then
        /// prune and compaction.
        case retention
    }

    var group: Group
    var system: SystemKind
    var shape: RecordShape
    var durability: BenchDurability
    var directory: String
    /// W1/W2/W7 record count.
    var records: Int
    /// W1/W2/W7 batch size.
    var batch: Int
    /// Which of W2 and W3 follow W1 in a chain.
    var resync: Bool
    var replayPageSizes: [Int]
    var replayForms: [ReplayForm]
    /// Whether W5 follows in the chain.
    var deletes: Bool
    /// W4 sizes.
    var writers: Int
    var readers: Int
    var recordsPerWriter: Int
    var concurrentBatch: Int
}

/// One measured figure of a run.
struct Measurement: Codable, Sendable {
    /// `W1`, `W2`, `W3/100`, `W4/1w`, `W4/4w`, `W4/4w+2r`, `W7`.
    var workload: String
    /// Records written or read.
    var records: Int
    /// Time spent in the system's calls (W1/W2: the sum of commit latencies; record generation excluded), or
    /// wall time (W3, W4).
    var seconds: Double
    /// CPU time of the process (all threads) over the same calls.
    var cpuSeconds: Double?
    /// Records written (new or changed) as the system counted them, where it reports it.
    var written: Int?
    /// Commit latency percentiles of the batches, milliseconds.
    var p50Milliseconds: Double?
    var p99Milliseconds: Double?
    /// Disk use of the store after the workload.
    var diskAllocated: Int?
    /// Disk use of the store before the workload (W6).
    var diskAllocatedBefore: Int?
    /// Anonymous resident memory after the workload, and the largest sampled during it.
    var heapBytes: Int?
    var peakHeapBytes: Int?

    var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
}

/// Runs `run` in this process and returns its measurements.
func execute(_ run: SingleRun) async throws -> [Measurement] {
    switch run.group {
    case .chain: return try await runChain(run)
    case .concurrent: return try await runConcurrent(run)
    case .memory: return try await runMemory(run)
    case .retention: return [try await runRetention(run)]
    }
}

// MARK: - W1, W2, W3

/// Saves records `0..<count` of `generator` on `connection` in batches of `batch`, one checkpoint per batch,
/// and times each system call. `revision(i)` picks the version of record `i` (W2's changed share).
private func saveAll(_ system: any BenchSystem, generator: RecordGenerator, count: Int, batch: Int,
                     connection: Int = 0, revision: (Int) -> Int = { _ in 0 }, including: (Int) -> Bool = { _ in true },
                     sampleHeap: Bool = false) async throws
    -> (latencies: [Double], seconds: Double, cpuSeconds: Double, peakHeap: Int, written: Int)
{
    var latencies: [Double] = []
    latencies.reserveCapacity(count / max(batch, 1) + 1)
    var total: UInt64 = 0
    var cpu: UInt64 = 0
    var peakHeap = 0
    var number = 0
    var written = 0
    var indices = (0..<count).lazy.filter(including).makeIterator()
    while true {
        var records: [GeneratedRecord] = []
        records.reserveCapacity(batch)
        while records.count < batch, let index = indices.next() { records.append(generator.record(at: index, revision: revision(index))) }
        if records.isEmpty { break }
        number += 1
        let writeBatch = WriteBatch(connection: connection, records: records, checkpoint: number)
        let cpuBegan = processCPUNanoseconds()
        let began = monotonicNanoseconds()
        written += try await system.write(writeBatch)
        let took = monotonicNanoseconds() - began
        cpu += processCPUNanoseconds() - cpuBegan
        total += took
        latencies.append(Double(took) / 1e6)
        if sampleHeap, number % 8 == 0 { peakHeap = max(peakHeap, ProcessMemory.current().residentAnonymous) }
    }
    return (latencies, Double(total) / 1e9, Double(cpu) / 1e9, peakHeap, written)
}

private func runChain(_ run: SingleRun) async throws -> [Measurement] {
    let generator = RecordGenerator(shape: run.shape)
    let system = try await openSystem(run.system, directory: run.directory, durability: run.durability)
    var results: [Measurement] = []

    let w1 = try await saveAll(system, generator: generator, count: run.records, batch: run.batch)
    results.append(Measurement(
        workload: "W1", records: run.records, seconds: w1.seconds, cpuSeconds: w1.cpuSeconds, written: w1.written,
        p50Milliseconds: Statistics.percentile(w1.latencies, 50), p99Milliseconds: Statistics.percentile(w1.latencies, 99),
        diskAllocated: DiskUsage.of(run.directory).allocated, heapBytes: ProcessMemory.current().residentAnonymous))
    progress("  \(run.system) W1 \(rate(results.last!)), \(w1.written) written")

    let latestRevision: (Int) -> Int = run.resync ? { generator.isChanged($0) ? 1 : 0 } : { _ in 0 }
    if run.resync {
        let w2 = try await saveAll(system, generator: generator, count: run.records, batch: run.batch, revision: latestRevision)
        results.append(Measurement(
            workload: "W2", records: run.records, seconds: w2.seconds, cpuSeconds: w2.cpuSeconds, written: w2.written,
            p50Milliseconds: Statistics.percentile(w2.latencies, 50), p99Milliseconds: Statistics.percentile(w2.latencies, 99),
            diskAllocated: DiskUsage.of(run.directory).allocated, heapBytes: ProcessMemory.current().residentAnonymous))
        progress("  \(run.system) W2 \(rate(results.last!)), \(w2.written) written")
    }

    // A replay is short at the default sizes, so each page size runs three passes and keeps the median pass:
    // one descheduling on a busy machine then moves nothing.
    for pageSize in run.replayPageSizes {
        for form in run.replayForms where system.replayForms.contains(form) {
            var passes: [Measurement] = []
            var read = ReplayResult(records: 0, bytes: 0)
            let workload = form.workload(pageSize: pageSize)
            for _ in 0..<3 {
                let cpuBegan = processCPUNanoseconds()
                let began = monotonicNanoseconds()
                read = try await system.replay(connection: 0, pageSize: pageSize, form: form)
                let seconds = Double(monotonicNanoseconds() - began) / 1e9
                let cpuSeconds = Double(processCPUNanoseconds() - cpuBegan) / 1e9
                passes.append(Measurement(workload: workload, records: read.records, seconds: seconds, cpuSeconds: cpuSeconds))
            }
            passes.sort { $0.seconds < $1.seconds }
            results.append(passes[1])
            progress("  \(run.system) \(workload) \(rate(results.last!)) (median of 3 passes; \(read.records) records, \(read.bytes) bytes)")
        }
    }
    if run.deletes {
        results.append(try await detectDeletes(system, run: run, generator: generator, revision: latestRevision))
    }
    try await system.close()
    if let index = results.lastIndex(where: { $0.workload == (run.resync ? "W2" : "W1") }) {
        results[index].diskAllocated = DiskUsage.of(run.directory).allocated  // after the final flush/checkpoint
    }
    return results
}

// MARK: - W5

/// W5 over the chain's store: open a delete window, re-save 99% of the records unchanged (every hundredth is
/// left out) in batches with checkpoints, close the window. The rate is all records over the whole time; the
/// window's close is timed on its own (as p50, the one "commit" that deletes).
private func detectDeletes(_ system: any BenchSystem, run: SingleRun, generator: RecordGenerator,
                           revision: (Int) -> Int) async throws -> Measurement {
    let cpuBegan = processCPUNanoseconds()
    let began = monotonicNanoseconds()
    try await system.openDeleteWindow(connection: 0)
    let saves = try await saveAll(system, generator: generator, count: run.records, batch: run.batch,
                                  revision: revision, including: { $0 % 100 != 0 })
    let closeBegan = monotonicNanoseconds()
    let deleted = try await system.closeDeleteWindow(connection: 0)
    let ended = monotonicNanoseconds()
    let expected = (run.records + 99) / 100
    guard deleted == expected else { throw BenchError("W5: \(run.system) deleted \(deleted) records, not \(expected)") }
    let measurement = Measurement(
        workload: "W5", records: run.records, seconds: Double(ended - began) / 1e9,
        cpuSeconds: Double(processCPUNanoseconds() - cpuBegan) / 1e9, written: deleted + saves.written,
        p50Milliseconds: Double(ended - closeBegan) / 1e6, diskAllocated: DiskUsage.of(run.directory).allocated)
    progress("  \(run.system) W5 \(rate(measurement)), \(deleted) deleted, close \(Int(measurement.p50Milliseconds!)) ms")
    return measurement
}

// MARK: - W6

/// W6: save N records; update the first half 3 times; move the clock 31 days; update the second half 3 times.
/// The first half's payloads are now older than the payload TTL (30 days). Measured: prune + log compaction +
/// a compacted copy of the store; sizes before (the store) and after (the copy).
private func runRetention(_ run: SingleRun) async throws -> Measurement {
    let generator = RecordGenerator(shape: run.shape)
    try FileManager.default.createDirectory(atPath: run.directory + "/store", withIntermediateDirectories: true)
    let system = try await openSystem(run.system, directory: run.directory + "/store", durability: run.durability, manualClock: true)
    let half = run.records / 2
    _ = try await saveAll(system, generator: generator, count: run.records, batch: run.batch)
    for revision in 1...3 {
        _ = try await saveAll(system, generator: generator, count: run.records, batch: run.batch,
                              revision: { _ in revision }, including: { $0 < half })
    }
    try await system.advanceClock(days: 31)
    for revision in 1...3 {
        _ = try await saveAll(system, generator: generator, count: run.records, batch: run.batch,
                              revision: { _ in revision }, including: { $0 >= half })
    }
    let before = DiskUsage.of(run.directory + "/store").allocated
    let compacted = run.directory + "/compacted"
    try FileManager.default.createDirectory(atPath: compacted, withIntermediateDirectories: true)
    let cpuBegan = processCPUNanoseconds()
    let began = monotonicNanoseconds()
    let pruned = try await system.pruneAndCompact(into: compacted)
    let seconds = Double(monotonicNanoseconds() - began) / 1e9
    let cpuSeconds = Double(processCPUNanoseconds() - cpuBegan) / 1e9
    try await system.close()
    guard pruned == half else { throw BenchError("W6: \(run.system) pruned \(pruned) payloads, not \(half)") }
    let measurement = Measurement(workload: "W6", records: run.records, seconds: seconds, cpuSeconds: cpuSeconds, written: pruned,
                                  diskAllocated: DiskUsage.of(compacted).allocated, diskAllocatedBefore: before)
    progress("  \(run.system) W6 \(rate(measurement)), \(pruned) pruned, \(before >> 20) → \(measurement.diskAllocated! >> 20) MiB")
    return measurement
}

// MARK: - W7

private func runMemory(_ run: SingleRun) async throws -> [Measurement] {
    let generator = RecordGenerator(shape: run.shape)
    let system = try await openSystem(run.system, directory: run.directory, durability: run.durability)
    let w1 = try await saveAll(system, generator: generator, count: run.records, batch: run.batch, sampleHeap: true)
    let heap = ProcessMemory.current().residentAnonymous
    try await system.close()
    progress("  \(run.system) W7 N=\(run.records): heap \(heap >> 20) MiB, peak sampled \(max(heap, w1.peakHeap) >> 20) MiB")
    return [Measurement(workload: "W7", records: run.records, seconds: w1.seconds,
                        heapBytes: heap, peakHeapBytes: max(heap, w1.peakHeap))]
}

// MARK: - W4

private func runConcurrent(_ run: SingleRun) async throws -> [Measurement] {
    var results: [Measurement] = []
    let phases: [(name: String, writers: Int, readers: Int)] = [
        ("W4/1w", 1, 0),
        ("W4/\(run.writers)w", run.writers, 0),
        ("W4/\(run.writers)w+\(run.readers)r", run.writers, run.readers),
    ]
    for phase in phases {
        let directory = run.directory + "/" + phase.name.replacingOccurrences(of: "/", with: "-")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let system = try await openSystem(run.system, directory: directory, durability: run.durability)
        let (seconds, latencies, replayed) = try await concurrentPhase(
            system, run: run, writers: phase.writers, readers: phase.readers)
        try await system.close()
        let total = phase.writers * run.recordsPerWriter
        results.append(Measurement(
            workload: phase.name, records: total, seconds: seconds, written: replayed,
            p50Milliseconds: Statistics.percentile(latencies, 50), p99Milliseconds: Statistics.percentile(latencies, 99),
            diskAllocated: DiskUsage.of(directory).allocated))
        progress("  \(run.system) \(phase.name) \(rate(results.last!))" + (phase.readers > 0 ? ", readers read \(replayed) records" : ""))
    }
    return results
}

/// The flags writers and readers of one W4 phase share.
private final class PhaseState: Sendable {
    let done = Atomic<Bool>(false)
    let replayed = Atomic<Int>(0)
}

/// Collects per-batch latencies from concurrent writers.
private final class LatencyLog: Sendable {
    private let values = Mutex<[Double]>([])
    func add(_ batch: [Double]) { values.withLock { $0.append(contentsOf: batch) } }
    var all: [Double] { values.withLock { $0 } }
}

/// Runs `writers` writers (each its own connection, `recordsPerWriter` records in batches of `concurrentBatch`)
/// and `readers` readers replaying connection 0.. in a loop until the writers are done. Returns the writers'
/// wall time, their commit latencies and how many records the readers read.
private func concurrentPhase(_ system: any BenchSystem, run: SingleRun, writers: Int, readers: Int) async throws
    -> (Double, [Double], Int)
{
    let generator = RecordGenerator(shape: run.shape)
    let perWriter = run.recordsPerWriter
    let batchSize = run.concurrentBatch
    let shared = PhaseState()
    let latencies = LatencyLog()

    // Pre-generate the batches so that writers only write.
    let batches: [[WriteBatch]] = (0..<writers).map { writer in
        var list: [WriteBatch] = []
        var number = 0
        for start in stride(from: 0, to: perWriter, by: batchSize) {
            number += 1
            let base = writer * perWriter
            let records = (start..<min(start + batchSize, perWriter)).map { generator.record(at: base + $0) }
            list.append(WriteBatch(connection: writer, records: records, checkpoint: number))
        }
        return list
    }

    @Sendable func writeAll(_ writer: Int) async throws {
        var own: [Double] = []
        for batch in batches[writer] {
            let began = monotonicNanoseconds()
            try await system.write(batch)
            own.append(Double(monotonicNanoseconds() - began) / 1e6)
        }
        latencies.add(own)
    }
    @Sendable func writeAllBlocking(_ writer: Int, _ blocking: any BlockingBenchSystem) throws {
        var own: [Double] = []
        for batch in batches[writer] {
            let began = monotonicNanoseconds()
            _ = try blocking.writeBlocking(batch)
            own.append(Double(monotonicNanoseconds() - began) / 1e6)
        }
        latencies.add(own)
    }
    @Sendable func readLoop(_ reader: Int) async throws {
        while !shared.done.load(ordering: .relaxed) {
            let read = try await system.replay(connection: reader % writers, pageSize: 1_000, form: .borrowed)
            shared.replayed.add(read.records, ordering: .relaxed)
            await Task.yield()
        }
    }
    @Sendable func readLoopBlocking(_ reader: Int, _ blocking: any BlockingReplaySystem) throws {
        while !shared.done.load(ordering: .relaxed) {
            let read = try blocking.replayBlocking(connection: reader % writers, pageSize: 1_000, form: .borrowed)
            shared.replayed.add(read.records, ordering: .relaxed)
        }
    }

    // Readers start first, so writers meet them from their first batch.
    var readerThreads: [ThreadResult] = []
    var readerTasks: [Task<Void, any Error>] = []
    for reader in 0..<readers {
        if let blocking = system as? any BlockingReplaySystem {
            readerThreads.append(spawnThread { try readLoopBlocking(reader, blocking) })
        } else {
            readerTasks.append(Task { try await readLoop(reader) })
        }
    }
    let began = monotonicNanoseconds()
    if let blocking = system as? any BlockingBenchSystem {
        let writerThreads = (0..<writers).map { writer in
            spawnThread { try writeAllBlocking(writer, blocking) }
        }
        for thread in writerThreads { try await thread.value }
    } else {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers { group.addTask { try await writeAll(writer) } }
            try await group.waitForAll()
        }
    }
    let writersEnded = monotonicNanoseconds()
    shared.done.store(true, ordering: .relaxed)
    for thread in readerThreads { try await thread.value }
    for task in readerTasks { try await task.value }
    return (Double(writersEnded - began) / 1e9, latencies.all, shared.replayed.load(ordering: .relaxed))
}

/// A result that a plain thread delivers.
final class ThreadResult: Sendable {
    private let state = Mutex<(result: Result<Void, any Error>?, waiter: CheckedContinuation<Void, any Error>?)>((nil, nil))

    func finish(_ result: Result<Void, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.result = result
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(with: result)
    }

    var value: Void {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Void, any Error>? in
                    if state.result == nil { state.waiter = continuation }
                    return state.result
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}

/// Runs `body` on a new thread of its own.
func spawnThread(_ body: @escaping @Sendable () throws -> Void) -> ThreadResult {
    let result = ThreadResult()
    let thread = Thread {
        result.finish(Result { try body() })
    }
    thread.stackSize = 1 << 20
    thread.start()
    return result
}

// MARK: - Output helpers

/// Writes a progress line to standard error (standard output carries the result).
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

func rate(_ measurement: Measurement) -> String {
    "\(formatCount(measurement.recordsPerSecond)) rec/s"
}

/// `1234567.8` → `1,234,568`.
func formatCount(_ value: Double) -> String {
    let rounded = Int(value.rounded())
    let digits = String(rounded.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return rounded < 0 ? "-" + out : out
}
