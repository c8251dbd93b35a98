import Foundation

/// A running `tidemark-crash-writer` process, with its ack file and standard error in a scratch directory.
final class WriterProcess {
    private let process: Process
    private let ackPath: String
    private let stderrPath: String

    /// The `tidemark-crash-writer` executable, built next to the test bundle (found the way the CLI tests find
    /// `tidemark`: walking up from the running test binary).
    static let executable: URL = {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: "/proc/self/exe") {
            directory = Bundle.main.bundleURL.deletingLastPathComponent()
        }
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("tidemark-crash-writer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "tidemark-crash-writer")
    }()

    /// Starts the writer on the store `store` with `arguments` besides `--store` and `--ack`; it appends its
    /// acknowledgements to `ack` and its standard error to `stderr`.
    init(store: String, ack: String, stderr: String, arguments: [String]) throws {
        ackPath = ack
        stderrPath = stderr
        if !FileManager.default.fileExists(atPath: stderr) {
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        }
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        try errors.seekToEnd()
        defer { try? errors.close() }
        process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--store", store, "--ack", ack] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
    }

    deinit {
        if process.isRunning { kill() }
    }

    /// The complete lines of the ack file (a line cut short by a kill is left out).
    static func acknowledgements(in path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // after the last newline: empty, or a partial line
        return lines
    }

    /// Polls the ack file every millisecond until it holds `count` lines; waiting on an external process, so
    /// it sleeps rather than synchronises. Throws when the writer exits or `timeout` passes first.
    func waitForAcknowledgements(_ count: Int, timeout: TimeInterval = 60) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Self.acknowledgements(in: ackPath).count < count {
            guard process.isRunning else { throw CrashTestFailure("the writer exited early: \(errors)") }
            guard Date() < deadline else { throw CrashTestFailure("no acknowledgement #\(count) within \(timeout) s: \(errors)") }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    /// Whether the process has not exited yet.
    var isRunning: Bool { process.isRunning }

    /// Sends SIGKILL and waits until the process is gone.
    func kill() {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the writer to exit by itself; throws unless it exits with status 0.
    func waitForSuccess() throws {
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw CrashTestFailure("the writer failed with status \(process.terminationStatus): \(errors)")
        }
    }

    /// What the writer printed on standard error so far.
    var errors: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

/// A failed expectation of the crash and multi-process tests that has to stop the test.
struct CrashTestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String

    init(_ description: String) { self.description = description }
}
