import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark trigger`: resets a sync (its checkpoint and deletion windows), optionally emptying its cache.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Reset a sync before its next run, as POST /sync/trigger.",
        discussion: """
            --reset clears the sync's checkpoint and closes its deletion windows; the records are kept, so the next \
            run still tells new records from updated ones. --empty-cache (only with --reset) also hard-deletes the \
            sync's datasets: no DELETED events, and cursors handed out before are rejected. An active run of the \
            sync is closed as failed. Without --reset nothing changes.
            """)

    @OptionGroup var store: StoreLocation
    @OptionGroup var sync: SyncOptions

    @Flag(help: "Clear the checkpoint and close the deletion windows.")
    var reset = false

    @Flag(help: "Also delete the sync's datasets (needs --reset).")
    var emptyCache = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let summary = try await store.open().trigger(sync.key, reset: reset, emptyCache: emptyCache)
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(Result(summary)))
            } else {
                output.line("""
                    \(sync.key): checkpoint \(summary.checkpoint.map { "cleared (version \($0.version))" } ?? "none"); \
                    \(summary.closedWindows.count) deletion windows closed; \(summary.emptiedModels.count) datasets emptied, \
                    \(summary.purgedRecords) records deleted\(summary.interruptedRun.map { "; run \($0.runID) closed as failed" } ?? "")
                    """)
            }
        }
    }

    /// The `--json` output.
    struct Result: Encodable {
        var checkpointVersion: UInt64?
        var closedWindows: [String]
        var emptiedModels: [String]
        var purgedRecords: Int
        var interruptedRun: String?

        init(_ summary: ResetSummary) {
            checkpointVersion = summary.checkpoint?.version
            closedWindows = summary.closedWindows
            emptiedModels = summary.emptiedModels
            purgedRecords = summary.purgedRecords
            interruptedRun = summary.interruptedRun?.runID
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(checkpointVersion, forKey: .checkpointVersion)
            try container.encode(closedWindows, forKey: .closedWindows)
            try container.encode(emptiedModels, forKey: .emptiedModels)
            try container.encode(purgedRecords, forKey: .purgedRecords)
            try container.encode(interruptedRun, forKey: .interruptedRun)
        }

        private enum CodingKeys: String, CodingKey {
            case checkpointVersion = "checkpoint_version", closedWindows = "closed_windows", emptiedModels = "emptied_models"
            case purgedRecords = "purged_records", interruptedRun = "interrupted_run"
        }
    }
}
