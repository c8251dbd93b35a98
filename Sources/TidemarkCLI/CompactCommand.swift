import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark compact`: runs retention now and reports the space it leaves.
struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Run retention now: expire idle datasets, purge emptied ones, drop stale payloads.",
        discussion: """
            Applies the full-record TTL, removes the records of emptied datasets (expired, or reset with \
            emptyCache) and applies the payload TTL, in small transactions, while other processes go on. The log \
            needs no compaction pass (a batch removes a record's previous entry as it writes the new one). Freed \
            pages are reused by later writes; the file shrinks only through 'tidemark copy --compact'.
            """)

    @OptionGroup var store: StoreLocation

    @OptionGroup var retention: RetentionOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            var options = StoreOptions()
            options.retention = retention.policy
            let store = try store.open(options)
            let report = try await store.runMaintenance()
            let space = try store.spaceReport()
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(Result(expiredDatasets: report.expiredDatasets, purgedRecords: report.purgedRecords,
                                                         prunedPayloads: report.prunedPayloads, usedPages: space.usedPages,
                                                         freePages: space.freePages, pageSize: space.pageSize)))
            } else {
                output.line("expired \(report.expiredDatasets) datasets, purged \(report.purgedRecords) records, pruned \(report.prunedPayloads) payloads; \(space.usedPages) pages used, \(space.freePages) free (\(space.pageSize) bytes each)")
            }
        }
    }

    /// The `--json` output.
    struct Result: Encodable {
        var expiredDatasets: Int
        var purgedRecords: Int
        var prunedPayloads: Int
        var usedPages: Int
        var freePages: Int
        var pageSize: Int

        enum CodingKeys: String, CodingKey {
            case expiredDatasets = "expired_datasets", purgedRecords = "purged_records", prunedPayloads = "pruned_payloads"
            case usedPages = "used_pages", freePages = "free_pages", pageSize = "page_size"
        }
    }
}
