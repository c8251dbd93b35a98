import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark checkpoint clear`: clears a sync's checkpoint; its version is kept (and bumped).
struct CheckpointClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Clear a sync's checkpoint. Clearing one that does not exist is not an error.",
        discussion: "Exits with 3 and writes nothing when --expected-version does not match.")

    @OptionGroup var store: StoreLocation
    @OptionGroup var sync: SyncOptions

    @Option(help: ArgumentHelp("Clear only if the checkpoint is at this version.", valueName: "version"))
    var expectedVersion: String?

    func run() async throws {
        try await CommandFailure.reporting {
            var batch = Batch(connection: sync.key.connection, sync: sync.key.name, syncVariant: sync.key.variant)
            batch.checkpoint = .clear(expected: try CheckpointJSON.expectedVersion(query: expectedVersion))
            try await store.open().write(batch)
        }
    }
}
