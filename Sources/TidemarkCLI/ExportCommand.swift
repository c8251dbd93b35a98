import ArgumentParser
import Tidemark

/// `tidemark export`: a dataset's records as JSON lines, ready for `tidemark import`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a dataset's live records as JSON lines (their payloads, as saved).",
        discussion: """
            Records come in change-stream order. Deleted records are left out unless --include-deleted is given; \
            --metadata adds each record's _nango_metadata. A record changed while the export runs moves to the end \
            of the stream and may be printed twice. Shows progress on standard error.
            """)

    @OptionGroup var store: StoreLocation
    @OptionGroup var dataset: DatasetOptions

    @Flag(help: "Include soft-deleted records.")
    var includeDeleted = false

    @Flag(help: "Add each record's _nango_metadata, as GET /records returns it.")
    var metadata = false

    func run() async throws {
        try await CommandFailure.reporting {
            let store = try store.open()
            let counts = try store.counts(of: dataset.key)
            var progress = Progress(unit: "records", total: Int(includeDeleted ? counts.live + counts.deleted : counts.live))
            var query = RecordQuery(limit: 1000, filter: includeDeleted ? nil : [.added, .updated])
            let output = StandardOutput()
            var exported = 0
            repeat {
                let page = try store.records(in: dataset.key, query)
                for record in page.records { output.line(metadata ? record.json : record.payload) }
                exported += page.records.count
                progress.update(done: exported, items: exported)
                query.cursor = page.nextCursor
            } while query.cursor != nil
            output.flush()
            progress.finish(items: exported)
        }
    }
}
