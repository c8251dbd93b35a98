import ArgumentParser
import Tidemark
import TidemarkExamples

/// `tidemark demo`: plays a sync end to end on generated data (see ``DemoStory``).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a sync end to end: a crash half-way, a resume from the checkpoint, incremental and full-refresh runs, a consumer replaying from its cursor.")

    @OptionGroup var store: StoreLocation

    @Option(help: "Contacts at the example API.")
    var contacts = 5_000

    @Option(help: "Contacts per page.")
    var pageSize = 500

    func validate() throws {
        guard contacts > 0, pageSize > 0 else { throw ValidationError("--contacts and --page-size must be positive") }
    }

    func run() async throws {
        try await CommandFailure.reporting {
            let output = StandardOutput()
            output.line("Tidemark demo on \(store.directory)")
            let outcome = try await DemoStory(contacts: contacts, pageSize: pageSize).play(on: try store.open()) { line in
                output.line(line)
                output.flush()
            }
            output.flush()
            if !outcome.consistent { throw ExitCode(1) }
        }
    }
}
