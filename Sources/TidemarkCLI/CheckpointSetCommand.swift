import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark checkpoint set`: writes a sync's checkpoint, optionally only at an expected version.
struct CheckpointSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Write a sync's checkpoint and print it as {\"checkpoint\": {...}, \"version\": n}.",
        discussion: "Exits with 3 and writes nothing when --expected-version does not match.")

    @OptionGroup var store: StoreLocation
    @OptionGroup var sync: SyncOptions

    @Option(help: ArgumentHelp("The checkpoint, a flat JSON object of strings, numbers and booleans.", valueName: "json"))
    var value: String

    @Option(help: ArgumentHelp("Write only if the checkpoint is at this version; 'null' if it must not exist yet.", valueName: "version"))
    var expectedVersion: String?

    func run() async throws {
        try await CommandFailure.reporting {
            var batch = Batch(connection: sync.key.connection, sync: sync.key.name, syncVariant: sync.key.variant)
            batch.checkpoint = .set(try CheckpointJSON.value(json: value), expected: try CheckpointJSON.expectedVersion(query: expectedVersion))
            let summary = try await store.open().write(batch)
            let output = StandardOutput()
            output.line(try JSONCoding.encode(CheckpointState(summary.checkpoint)))
        }
    }
}
