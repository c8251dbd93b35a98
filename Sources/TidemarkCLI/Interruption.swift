import Dispatch
import Foundation

/// Runs `body` in a task that SIGINT or SIGTERM cancels, so that a command that runs until interrupted
/// (`records --follow`) stops cleanly, flushing its output and exiting 0.
func runUntilInterrupted(_ body: @escaping @Sendable () async throws -> Void) async throws {
    let work = Task { try await body() }
    let sources = [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number)
        source.setEventHandler { work.cancel() }
        source.resume()
        return source
    }
    defer { sources.forEach { $0.cancel() } }
    try await work.value
}
