import ArgumentParser
import Foundation
import Tidemark
import TidemarkServer

/// An error of a subcommand as the command line reports it: one line on standard error (never a stack trace)
/// and an exit code.
///
/// Exit codes: 1 a check found problems (``VerifyCommand``); 2 invalid input (a 4xx of the HTTP API, a missing or
/// unreadable file); 3 a checkpoint conflict; 4 the store failed or is damaged (a 5xx of the HTTP API).
struct CommandFailure: Error {
    /// The line printed.
    var message: String
    /// The process's exit code.
    var exitCode: Int32

    /// A failure whose message and exit code are given.
    init(message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    /// The failure for any error a subcommand throws; engine errors are mapped through ``APIError``, so the
    /// command line and the HTTP API agree.
    init(_ error: any Error) {
        switch error {
        case let error as CommandFailure:
            self = error
        case let error as TidemarkError:
            self.init(APIError(error))
        case let error as APIError:
            self.init(message: error.message, exitCode: error.status == 409 ? 3 : error.status >= 500 ? 4 : 2)
        case let error as CocoaError:
            self.init(message: error.localizedDescription, exitCode: 2)
        default:
            self.init(message: "\(error)", exitCode: 4)
        }
    }

    /// Runs `body`; any error is printed as one line and the process exits with its code.
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let failure = CommandFailure(error)
            StandardError.line("tidemark: \(failure.message)")
            throw ExitCode(failure.exitCode)
        }
    }
}
