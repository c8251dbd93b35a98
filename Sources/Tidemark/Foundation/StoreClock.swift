import Foundation
import Synchronization

/// Where the engine reads the time. Injectable, so retention and timestamps are testable without waiting.
///
/// The engine never lets time go backwards: a commit's timestamp is the later of `now()` and the previous
/// commit's, so a later change of a record never has an earlier `last_modified_at`.
public protocol StoreClock: Sendable {
    /// The current instant.
    func now() -> Timestamp
}

/// The system's wall clock.
public struct SystemClock: StoreClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

/// A clock that moves only when told to; for tests and simulations.
public final class ManualClock: StoreClock {
    private let current: Mutex<Timestamp>

    /// Creates a clock standing at `start`.
    public init(_ start: Timestamp = Timestamp(milliseconds: 1_700_000_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Timestamp { current.withLock { $0 } }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) {
        current.withLock { $0 = $0.adding(milliseconds: milliseconds) }
    }

    /// Sets the clock to `instant`, which may be earlier than now (the engine still never goes backwards).
    public func set(_ instant: Timestamp) {
        current.withLock { $0 = instant }
    }
}
