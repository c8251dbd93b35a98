import Foundation
import TidemarkTestSupport

/// Runs the built `tidemark` executable in a temporary directory holding the store (`--data` is given by the
/// tests), capturing its output and exit status.
final class CommandRunner {
    /// The temporary directory; removed when the runner is released.
    let directory: String
    /// The store's directory inside it.
    var data: String { directory + "/data" }

    /// The `tidemark` executable, built next to the test bundle.
    static let executable: URL = {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: "/proc/self/exe") {
            directory = Bundle.main.bundleURL.deletingLastPathComponent()
        }
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("tidemark")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "tidemark")
    }()

    /// What one run printed and how it exited.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The non-empty lines of standard output.
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        /// Standard output parsed as one JSON object.
        var json: [String: Any] {
            get throws {
                guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                    throw LoopbackError("not a JSON object: \(stdout)")
                }
                return object
            }
        }
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes `text` to the file `name` in the temporary directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `tidemark arguments…` to completion.
    func run(_ arguments: [String]) async throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let stdoutPath = directory + "/stdout-\(UUID().uuidString)"
        let stderrPath = directory + "/stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try stdout.close()
        try stderr.close()
        return Result(status: status, stdout: try String(contentsOfFile: stdoutPath, encoding: .utf8),
                      stderr: try String(contentsOfFile: stderrPath, encoding: .utf8))
    }
}

extension CommandRunner {
    /// Starts `tidemark arguments…` and returns at once; its standard output is read with
    /// ``RunningCommand/nextLine()``, its standard error is discarded.
    func start(_ arguments: [String]) throws -> RunningCommand {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningCommand(process: process, stdout: stdout)
    }
}

/// A `tidemark` process started by ``CommandRunner/start(_:)``.
final class RunningCommand: @unchecked Sendable {
    private let process: Process
    private let stdout: Pipe
    private var pending: [UInt8] = []

    init(process: Process, stdout: Pipe) {
        self.process = process
        self.stdout = stdout
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The next line the process prints (empty if it exits without one). Called from one task at a time.
    func nextLine() async throws -> String {
        let descriptor = stdout.fileHandleForReading.fileDescriptor
        let start = pending
        let (line, rest) = try await LoopbackConnection.blocking {
            var bytes = start
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !bytes.contains(UInt8(ascii: "\n")) {
                let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                bytes += buffer[..<count]
            }
            let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            return (String(decoding: bytes[..<end], as: UTF8.self), Array(bytes[min(end + 1, bytes.count)...]))
        }
        pending = rest
        return line
    }

    /// Sends SIGTERM and waits for the exit status.
    func stop() async throws -> Int32 {
        process.terminate()
        return try await LoopbackConnection.blocking {
            self.process.waitUntilExit()
            return self.process.terminationStatus
        }
    }
}
