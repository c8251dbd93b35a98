import ArgumentParser
import Foundation
import Tidemark
import TidemarkServer

/// `tidemark stats`: the store's datasets with their counts, its syncs with their checkpoints and last runs, and its
/// pages.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the store's size, its datasets with their counts, and its syncs with their checkpoints and last runs.",
        discussion: """
            Counting the pages reads the whole change log once (no memory, never blocking writers). Syncs are \
            listed for the connections that have datasets.
            """)

    @OptionGroup var store: StoreLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let store = try store.open()
            let datasets = try store.datasets()
            let space = try store.spaceReport()
            var syncs: [SyncStatus] = []
            for connection in Set(datasets.map(\.key.connection)).sorted(by: { $0.description < $1.description }) {
                syncs += try store.syncs(of: connection).map { try store.status(of: $0) }
            }
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(Stats(datasets: datasets.map(Stats.Dataset.init), syncs: syncs.map(Stats.Sync.init),
                                                        space: Stats.Space(space))))
                return
            }
            output.line("store: \(space.filePages * space.pageSize) bytes, \(space.usedPages) pages used, \(space.freePages) free, \(space.pageSize) bytes a page, map \(space.mapSize) bytes")
            let rows = datasets.map { dataset in
                [dataset.key.connection.integrationID, dataset.key.connection.connectionID, dataset.key.model.description,
                 "\(dataset.counts.live)", "\(dataset.counts.deleted)", "\(dataset.counts.payloadBytes)", dataset.lastWriteAt.description]
            }
            for line in Table.render(header: ["integration", "connection", "model", "live", "deleted", "bytes", "last write"], rows: rows) {
                output.line(line)
            }
            guard !syncs.isEmpty else { return }
            let syncRows = syncs.map { status -> [String] in
                let name: String = status.sync.name + (status.sync.variant.map { "::\($0)" } ?? "")
                let checkpoint: String = status.checkpoint.map { "version \($0.version)" } ?? "none"
                return [status.sync.connection.integrationID, status.sync.connection.connectionID, name, checkpoint, Self.describeRuns(of: status)]
            }
            for line in Table.render(header: ["integration", "connection", "sync", "checkpoint", "last run"], rows: syncRows) {
                output.line(line)
            }
        }
    }

    /// The active run, else the last run, of a sync, in a few words.
    private static func describeRuns(of status: SyncStatus) -> String {
        if let active = status.activeRun { return "run \(active.runID) running" }
        guard let last = status.lastRun else { return "never ran" }
        return "run \(last.runID) \(last.succeeded ? "succeeded" : "failed") at \(last.endedAt)"
    }

    /// The `--json` output.
    struct Stats: Encodable {
        var datasets: [Dataset]
        var syncs: [Sync]
        var space: Space

        /// One sync: its checkpoint, active run and last run.
        struct Sync: Encodable {
            let status: SyncStatus

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(status.sync.connection.integrationID, forKey: .integration)
                try container.encode(status.sync.connection.connectionID, forKey: .connection)
                try container.encode(status.sync.name, forKey: .name)
                try container.encode(status.sync.variant, forKey: .variant)
                try container.encode(CheckpointState(status.checkpoint), forKey: .checkpoint)
                try container.encode(status.activeRun?.runID, forKey: .activeRun)
                try container.encode(status.lastRun.map(RunReportJSON.init), forKey: .lastRun)
            }

            private enum CodingKeys: String, CodingKey {
                case integration, connection, name, variant, checkpoint
                case activeRun = "active_run", lastRun = "last_run"
            }
        }

        /// The store's pages.
        struct Space: Encodable {
            var fileBytes: Int
            var pageSize: Int
            var usedPages: Int
            var freePages: Int
            var mapBytes: Int

            init(_ report: SpaceReport) {
                fileBytes = report.filePages * report.pageSize
                pageSize = report.pageSize
                usedPages = report.usedPages
                freePages = report.freePages
                mapBytes = report.mapSize
            }

            enum CodingKeys: String, CodingKey {
                case fileBytes = "file_bytes", pageSize = "page_size", usedPages = "used_pages", freePages = "free_pages"
                case mapBytes = "map_bytes"
            }
        }

        /// One dataset.
        struct Dataset: Encodable {
            var integration: String
            var connection: String
            var model: String
            var variant: String?
            var live: Int64
            var deleted: Int64
            var payloadBytes: Int64
            var createdAt: String
            var lastWriteAt: String

            init(_ summary: DatasetSummary) {
                integration = summary.key.connection.integrationID
                connection = summary.key.connection.connectionID
                model = summary.key.model.name
                variant = summary.key.model.variant
                live = summary.counts.live
                deleted = summary.counts.deleted
                payloadBytes = summary.counts.payloadBytes
                createdAt = summary.createdAt.description
                lastWriteAt = summary.lastWriteAt.description
            }

            enum CodingKeys: String, CodingKey {
                case integration, connection, model, variant, live, deleted
                case payloadBytes = "payload_bytes", createdAt = "created_at", lastWriteAt = "last_write_at"
            }
        }
    }
}
