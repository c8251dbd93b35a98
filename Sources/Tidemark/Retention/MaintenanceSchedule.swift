import Logging
import Synchronization

/// The background task that runs ``Store/runMaintenance()`` every ``StoreOptions/maintenanceInterval``.
///
/// The task holds its store weakly, and only while a run is under way strongly: it never keeps a closed store alive,
/// and the store cancels it when it closes. Between runs it sleeps (`Task.sleep`, which cancellation ends), so an
/// idle store costs nothing. A failed run is logged and the next one is tried at the next period.
final class MaintenanceSchedule: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts running `store`'s maintenance every `interval`, the first run one interval from now.
    func start(every interval: Duration, for store: Store) {
        let logger = Logger(label: "tidemark.maintenance")
        let started = Task.detached(priority: .utility) { [weak store] in
            while true {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return  // cancelled: the store is closing
                }
                guard let store else { return }
                do {
                    try await store.runMaintenance()
                } catch {
                    logger.error("maintenance failed; it runs again in \(interval): \(error)")
                }
            }
        }
        task.withLock { $0 = started }
    }

    /// Stops the task at its next sleep. The store calls it when it closes, when no run can be under way (a run
    /// holds the store).
    func cancel() {
        task.withLock { $0?.cancel() }
    }
}
