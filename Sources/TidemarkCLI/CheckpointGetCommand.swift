import ArgumentParser
import TidemarkServer

/// `tidemark checkpoint get`: a sync's checkpoint and version, as `GET /sync/{sync}/checkpoint` answers them.
struct CheckpointGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a sync's checkpoint as {\"checkpoint\": {...} or null, \"version\": n}.")

    @OptionGroup var store: StoreLocation
    @OptionGroup var sync: SyncOptions

    func run() async throws {
        try await CommandFailure.reporting {
            let output = StandardOutput()
            output.line(try JSONCoding.encode(CheckpointState(try store.open().checkpoint(of: sync.key))))
        }
    }
}
