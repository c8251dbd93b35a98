import Synchronization

/// Wakes live tails when this process commits (SPEC §3.3). The write queue calls ``notify()`` after every commit;
/// a tail reads ``commits``, reads the store, and when it is caught up waits with ``wait(after:timeout:)``, which
/// returns at once if a commit was notified since — so no commit between its read and its wait is missed.
///
/// Waiters are continuations in a locked table, resumed all at once by the next commit; nothing polls.
final class CommitNotifier: Sendable {
    private struct State {
        var commits: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// How many commits were notified so far.
    var commits: UInt64 { state.withLock { $0.commits } }

    /// How many tails are waiting for a commit now.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Records a commit and wakes every waiter.
    func notify() {
        let waiters = state.withLock { state in
            state.commits += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when a commit after the count `seen` is notified, when `timeout` has passed, or when the task is
    /// cancelled, whichever comes first.
    func wait(after seen: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForCommit(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForCommit(after seen: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Registered under the lock, after checking for a commit or a cancellation that came first.
                let resumeNow = state.withLock { state in
                    if state.commits != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
