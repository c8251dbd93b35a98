/// Runs registered sync functions for their connections at their frequency, and on demand.
///
/// Never two runs of the same sync and connection at once: a trigger or a due run waits for the running one to
/// finish first. ``runDue()`` runs what is due now by the store's clock (tests call it directly); ``start()``
/// calls it in a background loop until ``stop()``.
public actor SyncScheduler {
    private struct Registration {
        let frequency: Duration?
        let connections: [ConnectionKey]
        let run: @Sendable (SyncRunner, ConnectionKey) async throws -> RunReport
    }

    private struct Key: Hashable {
        let sync: String
        let connection: ConnectionKey
    }

    private let runner: SyncRunner
    private let clock: any StoreClock
    private var registrations: [String: Registration] = [:]
    private var nextRuns: [Key: Timestamp] = [:]
    private var running: [Key: Task<RunReport, any Error>] = [:]
    private var loop: Task<Void, Never>?

    /// A scheduler running syncs with `runner`, on the store's clock.
    public init(runner: SyncRunner) {
        self.runner = runner
        self.clock = runner.store.options.clock
    }

    /// Registers `function` for `connections`; a scheduled one is first due now.
    public func register<Function: SyncFunction>(_ function: Function, for connections: [ConnectionKey]) {
        registrations[function.name] = Registration(frequency: function.frequency, connections: connections) { runner, connection in
            try await runner.run(function, for: connection)
        }
        guard function.frequency != nil else { return }
        for connection in connections { nextRuns[Key(sync: function.name, connection: connection)] = clock.now() }
    }

    /// When `sync` next runs for `connection`; `nil` if it is not scheduled.
    public func nextRun(of sync: String, for connection: ConnectionKey) -> Timestamp? {
        nextRuns[Key(sync: sync, connection: connection)]
    }

    /// Runs every scheduled sync whose time has come, one after another, and returns their reports.
    @discardableResult
    public func runDue() async throws -> [RunReport] {
        let now = clock.now()
        var reports: [RunReport] = []
        for (key, due) in nextRuns.sorted(by: { $0.value < $1.value }) where due <= now {
            reports.append(try await run(key))
        }
        return reports
    }

    /// Runs `sync` for `connection` now, after a reset (and emptying its cache) when asked (SPEC §4);
    /// `emptyCache` without `reset` is rejected.
    public func trigger(_ sync: String, for connection: ConnectionKey, reset: Bool = false, emptyCache: Bool = false) async throws -> RunReport {
        if emptyCache && !reset { throw TidemarkError.invalidRequest("emptyCache needs reset: pass reset too") }
        let store = runner.store
        return try await run(Key(sync: sync, connection: connection)) {
            if reset { try await store.trigger(SyncKey(connection: connection, name: sync), reset: true, emptyCache: emptyCache) }
        }
    }

    /// Starts calling ``runDue()`` in the background, checking every `interval`.
    public func start(checkingEvery interval: Duration = .seconds(1)) {
        guard loop == nil else { return }
        loop = Task {
            while !Task.isCancelled {
                _ = try? await self.runDue()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Stops the background loop; a run in progress finishes.
    public func stop() {
        loop?.cancel()
        loop = nil
    }

    /// Runs `key` once the run before it (if any) has finished: each run's task awaits its predecessor, so runs
    /// of one sync and connection form a chain and never overlap. `prepare` runs in the chain before the run.
    private func run(_ key: Key, prepare: @escaping @Sendable () async throws -> Void = {}) async throws -> RunReport {
        guard let registration = registrations[key.sync] else { throw TidemarkError.invalidRequest("no sync named '\(key.sync)' is registered") }
        if let frequency = registration.frequency {
            nextRuns[key] = clock.now().adding(milliseconds: frequency.milliseconds)
        }
        let (runner, previous) = (self.runner, running[key])
        let task = Task {
            _ = try? await previous?.value
            try await prepare()
            return try await registration.run(runner, key.connection)
        }
        running[key] = task
        defer { if running[key] == task { running[key] = nil } }
        return try await task.value
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
