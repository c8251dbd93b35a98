import ArgumentParser
import Foundation
import Tidemark
import TidemarkServer

/// `tidemark stats`: the store's datasets with their counts, and its pages.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the store's datasets with their record counts and payload bytes, and its size in pages.",
        discussion: "Counting the pages reads the whole change log once (no memory, never blocking writers).")

    @OptionGroup var store: StoreLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let store = try store.open()
            let datasets = try store.datasets()
            let space = try store.spaceReport()
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(Stats(datasets: datasets.map(Stats.Dataset.init), space: Stats.Space(space))))
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
        }
    }

    /// The `--json` output.
    struct Stats: Encodable {
        var datasets: [Dataset]
        var space: Space

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
