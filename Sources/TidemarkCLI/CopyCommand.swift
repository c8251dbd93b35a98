import ArgumentParser
import Foundation
import Tidemark

/// `tidemark copy DEST`: a consistent copy of the store, compacted with `--compact`.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy the store into a new directory, as a backup or (with --compact) to give disk space back.",
        discussion: """
            The copy is one snapshot; writers go on meanwhile and their later batches are not in it. With \
            --compact, free pages are left out, so after many updates, deletes or purges the copy is smaller: stop \
            the processes using the store, then put the copy in its place. DEST must not hold a store.
            """)

    @OptionGroup var store: StoreLocation

    @Argument(help: "The directory to copy into; created if needed.")
    var destination: String

    @Flag(help: "Leave out free pages and renumber the rest.")
    var compact = false

    func run() async throws {
        try await CommandFailure.reporting {
            try store.open().copy(to: destination, compacting: compact)
            let size = (try? FileManager.default.attributesOfItem(atPath: destination + "/data.mdb")[.size] as? Int) ?? 0
            StandardOutput().line("copied \(store.directory) to \(destination)\(compact ? ", compacted" : ""): \(size) bytes")
        }
    }
}
