import Foundation

/// Progress of a long subcommand on standard error: a bar with rate and time left on a terminal, redrawn at most
/// ten times a second; plain lines at most once a second otherwise (so logs stay readable).
struct Progress {
    /// What is counted, e.g. `records`.
    let unit: String
    /// The amount of work, in the units of ``update(done:items:)``'s `done`.
    let total: Int
    private let isTerminal = StandardError.isTerminal
    private let start = ContinuousClock.now
    private var lastReport: ContinuousClock.Instant?
    private var shown = false

    init(unit: String, total: Int) {
        self.unit = unit
        self.total = max(total, 1)
    }

    /// Reports that `done` of ``total`` is done, `items` items so far.
    mutating func update(done: Int, items: Int) {
        let now = ContinuousClock.now
        if let lastReport, now - lastReport < (isTerminal ? .milliseconds(100) : .seconds(1)) { return }
        lastReport = now
        report(done: done, items: items, now: now)
    }

    /// Reports the end; on a terminal the bar is left at 100% and the line ended.
    mutating func finish(items: Int) {
        report(done: total, items: items, now: .now)
        if isTerminal { StandardError.write("\n") }
    }

    private mutating func report(done: Int, items: Int, now: ContinuousClock.Instant) {
        let fraction = min(1, Double(done) / Double(total))
        let elapsed = Self.seconds(now - start)
        let rate = elapsed > 0 ? Double(items) / elapsed : 0
        let percent = Int(fraction * 100)
        guard isTerminal else {
            StandardError.line("\(items) \(unit) (\(percent)%)")
            return
        }
        let width = 30
        let filled = Int(fraction * Double(width))
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        StandardError.write("\r[\(bar)] \(percent)%  \(items) \(unit)  \(Int(rate))/s  ETA \(Self.clock(remaining))  ")
        shown = true
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%d:%02d", total / 60, total % 60)
    }
}
