import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark prune`: drops the payloads of a dataset's records up to a cursor, as `PATCH /records/prune`.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Drop the payloads of a dataset's records at or before a cursor, oldest first.",
        discussion: """
            Pruned records keep their id, position and metadata (pruned_at is set); saving the same payload again \
            restores it silently. Prints how many were pruned and whether unpruned records at or before the cursor \
            remain (run it again to go on).
            """)

    @OptionGroup var store: StoreLocation
    @OptionGroup var dataset: DatasetOptions

    @Option(help: "Prune records at or before this cursor.")
    var untilCursor: String

    @Option(help: "Prune at most this many records (1-10000).")
    var limit = 1_000

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let result = try await store.open().prune(dataset.key, upTo: untilCursor, limit: limit)
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(PruneAnswer(result)))
            } else {
                output.line("pruned \(result.count) records\(result.hasMore ? "; more remain at or before the cursor" : "")")
            }
        }
    }
}
