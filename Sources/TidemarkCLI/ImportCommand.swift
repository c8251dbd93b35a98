import ArgumentParser
import Tidemark
import TidemarkServer

/// `tidemark import FILE`: saves the records of a JSON-lines or JSON-array file into a dataset, in batches.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Save the records of a file (JSON lines, or one JSON array) into a dataset, in batches.",
        discussion: """
            Each record is a JSON object with an id. Records are saved as a sync would save them: new ids are \
            added, changed ones updated, identical ones left unchanged. A --checkpoint is written with the last \
            batch, atomically with it, for the sync named by --sync. Shows a progress bar on a terminal and plain \
            progress lines otherwise; prints the totals at the end.
            """)

    @OptionGroup var store: StoreLocation
    @OptionGroup var dataset: DatasetOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "Records per batch (one transaction each).")
    var batchSize = 1000

    @Option(help: "The sync the records are written for (needed with --checkpoint).")
    var sync: String?

    @Option(help: ArgumentHelp("A checkpoint to write with the last batch, a flat JSON object.", valueName: "json"))
    var checkpoint: String?

    @Flag(help: "Print the totals as JSON.")
    var json = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if checkpoint != nil, sync == nil { throw ValidationError("--checkpoint needs --sync") }
    }

    func run() async throws {
        try await CommandFailure.reporting {
            let checkpointValue = try checkpoint.map { text throws(APIError) in try CheckpointJSON.value(json: text) }
            let store = try store.open()
            let input = try RecordFile(path: file)
            var progress = Progress(unit: "records", total: input.size)
            var totals = ImportTotals()
            var pending = try input.next()
            repeat {
                var batch = Batch(connection: dataset.connection.key, sync: sync, syncVariant: dataset.variant)
                var records = JSONRecords()
                var end = 0
                while let current = pending, records.count < batchSize {
                    records.append(current.record)
                    end = current.end
                    pending = try input.next()
                }
                if !records.isEmpty { batch.save(records, to: dataset.key.model) }
                if pending == nil, let checkpointValue { batch.checkpoint = .set(checkpointValue) }
                guard batch.recordCount > 0 || batch.checkpoint != nil else { break }
                do {
                    totals.add(try await store.write(batch))
                } catch let TidemarkError.invalidRecord(_, _, index, problem) {
                    throw CommandFailure(message: "record \(totals.records + index + 1) of '\(file)' is invalid: \(problem); the \(totals.records) records before its batch were imported", exitCode: 2)
                } catch let TidemarkError.recordTooLarge(_, _, index, size, limit) {
                    throw CommandFailure(message: "record \(totals.records + index + 1) of '\(file)' is \(size) bytes, over the limit of \(limit); the \(totals.records) records before its batch were imported", exitCode: 2)
                }
                totals.records += records.count
                progress.update(done: end, items: totals.records)
            } while pending != nil
            progress.finish(items: totals.records)
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(totals))
            } else {
                output.line("imported \(totals.records) records into \(dataset.key): \(totals.added) added, \(totals.updated) updated, \(totals.unchanged) unchanged, \(totals.nonUnique) duplicates")
            }
        }
    }
}

/// What an import did, summed over its batches.
struct ImportTotals: Encodable {
    var records = 0
    var batches = 0
    var added = 0
    var updated = 0
    var unchanged = 0
    var nonUnique = 0
    var checkpointVersion: UInt64?

    /// Adds one batch's summary.
    mutating func add(_ summary: BatchSummary) {
        batches += 1
        for model in summary.models.values {
            added += model.added.count
            updated += model.updated.count
            unchanged += model.unchanged.count
            nonUnique += model.nonUnique.count
        }
        if let checkpoint = summary.checkpoint { checkpointVersion = checkpoint.version }
    }

    enum CodingKeys: String, CodingKey {
        case records, batches, added, updated, unchanged
        case nonUnique = "non_unique"
        case checkpointVersion = "checkpoint_version"
    }
}
