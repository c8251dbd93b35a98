import Foundation
import LMDB

/// Serialises writes on one dedicated thread and commits concurrent batches together (group commit).
///
/// Two kinds of work are queued, in arrival order: batches, and jobs (maintenance, runs, resets: any write
/// that is not a batch), each job in a transaction of its own. Callers enqueue and suspend. The writer thread takes every waiting batch (up to
/// ``StoreOptions/maximumGroupSize``), applies each in its own nested transaction of one write transaction, and
/// commits once: one flush for the group. A batch that is rejected is rolled back alone; the others commit. If
/// the group's transaction itself fails, each batch is retried in a transaction of its own, so one batch's
/// storage failure is never reported for another. LMDB write transactions stay on this one thread.
final class WriteQueue: @unchecked Sendable {
    // Safety: `pending` and `isStopping` are guarded by `condition`; `writer` is used only on the writer thread.
    private struct Pending {
        let batch: Batch
        let continuation: CheckedContinuation<BatchSummary, any Error>
    }

    private enum Work {
        case batch(Pending)
        /// Runs in its own write transaction on the writer thread and resumes its caller itself.
        case job((Environment, inout BatchWriter) -> Void)
    }

    private let environment: Environment
    private let clock: any StoreClock
    private let maximumGroupSize: Int
    private let condition = NSCondition()
    private var pending: [Work] = []
    private var isStopping = false
    private let stopped = DispatchSemaphore(value: 0)
    private var writer: BatchWriter
    private let onCommit: @Sendable () -> Void

    init(environment: Environment, layout: Layout, options: StoreOptions, onCommit: @escaping @Sendable () -> Void) {
        self.environment = environment
        self.clock = options.clock
        self.maximumGroupSize = max(1, options.maximumGroupSize)
        self.writer = BatchWriter(layout: layout, options: options)
        self.onCommit = onCommit
        let thread = Thread { [self] in run() }
        thread.name = "tidemark-writer"
        thread.start()
    }

    /// Queues `batch` and returns its summary once it is committed (durably, under the default durability).
    func submit(_ batch: Batch) async throws -> BatchSummary {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.batch(Pending(batch: batch, continuation: continuation))) {
                continuation.resume(throwing: $0)
            }
        }
    }

    /// Runs `body` in a write transaction of its own on the writer thread and returns its result. `body` may
    /// run more than once (when the map must grow), so it must have no effect outside the transaction.
    func perform<R: Sendable>(_ body: @escaping @Sendable (borrowing Transaction, inout BatchWriter) throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            let job: (Environment, inout BatchWriter) -> Void = { [onCommit] environment, writer in
                let result = Result { try environment.write { txn in try body(txn, &writer) } }
                if case .success = result { onCommit() }
                continuation.resume(with: result.mapError(Self.publicError))
            }
            enqueue(.job(job)) { continuation.resume(throwing: $0) }
        }
    }

    private func enqueue(_ work: Work, orFail fail: (any Error) -> Void) {
        condition.lock()
        if isStopping {
            condition.unlock()
            fail(TidemarkError.invalidRequest("the store is closed"))
            return
        }
        pending.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Finishes the queued batches, then stops the thread; blocks until it has.
    func stop() {
        condition.lock()
        isStopping = true
        condition.signal()
        condition.unlock()
        stopped.wait()
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !isStopping { condition.wait() }
            guard !pending.isEmpty else {
                condition.unlock()
                stopped.signal()
                return
            }
            // Batches waiting in a row commit together; a job runs alone.
            var group: [Pending] = []
            while group.count < maximumGroupSize, case .batch(let next)? = pending.first {
                group.append(next)
                pending.removeFirst()
            }
            var job: ((Environment, inout BatchWriter) -> Void)?
            if group.isEmpty, case .job(let next) = pending.removeFirst() { job = next }
            condition.unlock()
            if let job { job(environment, &writer) } else { commit(group) }
        }
    }

    private func commit(_ group: [Pending]) {
        let results: [Result<BatchSummary, any Error>]
        if group.count == 1 {
            results = [Result { try environment.write { txn in try writer.apply(group[0].batch, now: clock.now(), in: txn) } }]
        } else {
            do {
                results = try environment.write { txn in
                    try group.map { pending in
                        do {
                            return .success(try txn.nested { child in try writer.apply(pending.batch, now: clock.now(), in: child) })
                        } catch let error as LMDBError {
                            throw error  // a storage failure ends the group; each batch is retried alone below
                        } catch {
                            return .failure(error)
                        }
                    }
                }
            } catch {
                group.forEach { commit([$0]) }
                return
            }
        }
        if results.contains(where: { if case .success = $0 { true } else { false } }) { onCommit() }
        for (pending, result) in zip(group, results) {
            pending.continuation.resume(with: result.mapError(Self.publicError))
        }
    }

    private static func publicError(_ error: any Error) -> any Error {
        if let error = error as? LMDBError { return TidemarkError.storage(error) }
        return error
    }
}
