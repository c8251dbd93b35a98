import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark records`: a dataset's change stream as JSON lines, each record as `GET /records` returns it.
struct RecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Print a dataset's records as JSON lines, in change-stream order.",
        discussion: """
            Each line is the record's payload with its _nango_metadata, as GET /records returns it. When --limit \
            stops the listing before the end, the cursor to continue from is printed on standard error. With \
            --follow, the listing goes on with every change as it commits, until SIGINT or SIGTERM (exit 0).
            """)

    @OptionGroup var store: StoreLocation
    @OptionGroup var dataset: DatasetOptions

    @Option(help: "Start after this cursor.")
    var cursor: String?

    @Option(help: "Only these states: a comma list of added, updated, deleted.")
    var filter: String?

    @Option(help: "Print at most this many records.")
    var limit: Int?

    @Flag(help: "Keep printing changes as they commit (until interrupted).")
    var follow = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if limit != nil, follow { throw ValidationError("--limit and --follow cannot be used together") }
    }

    func run() async throws {
        try await CommandFailure.reporting {
            let store = try store.open()
            var query = RecordQuery(cursor: cursor, limit: 1000)
            if let filter { query.filter = try RecordQuery.parseFilter(filter) }
            let output = StandardOutput()
            var remaining = limit ?? .max
            var more = false
            while remaining > 0 {
                query.limit = min(1000, remaining)
                let page = try store.records(in: dataset.key, query)
                for record in page.records { output.line(record.json) }
                remaining -= page.records.count
                query.cursor = page.records.last?.metadata.cursor ?? query.cursor
                more = page.nextCursor != nil
                guard more else { break }
            }
            output.flush()
            if follow {
                let (filter, feed) = (StreamFilter(query), store.changes(in: dataset.key, after: query.cursor))
                try await runUntilInterrupted {
                    let output = StandardOutput()
                    for try await page in feed {
                        for record in page.records where filter.admits(record) { output.line(record.json) }
                        output.flush()
                    }
                }
            } else if more, let cursor = query.cursor {
                StandardError.line("next cursor: \(cursor)")
            }
        }
    }
}
