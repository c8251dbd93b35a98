/// How a run ended, as given to ``Store/finishRun(_:runID:outcome:)``.
public enum RunOutcome: Equatable, Sendable {
    /// The run fetched and saved what it meant to.
    case success
    /// The run failed; the text says why. A failed run never deletes records (SPEC §4).
    case failure(String)

    /// The longest error text kept in a report, in UTF-8 bytes; longer texts are cut at a character boundary.
    public static let maximumErrorLength = 4000
}

/// What one run did to one model: the records its batches (and its deletion window) added, updated and deleted.
///
/// Counts follow the batch summaries, so a record added and then changed within one run counts once as added
/// and once as updated, as on the platform; unchanged records count nothing.
public struct RunCounts: Equatable, Sendable {
    /// Records added (new, or back after a delete).
    public var added: Int64 = 0
    /// Records whose payload changed.
    public var updated: Int64 = 0
    /// Records soft-deleted, by batch deletes or by the run's `trackDeletesEnd`.
    public var deleted: Int64 = 0

    /// Creates counts.
    public init(added: Int64 = 0, updated: Int64 = 0, deleted: Int64 = 0) {
        self.added = added
        self.updated = updated
        self.deleted = deleted
    }
}

/// The report of a finished run (SPEC §4): per-model counts, the checkpoint it started from and the one it
/// ended with, its times and its outcome. Kept in a bounded history per sync (``Store/runHistory(of:limit:)``).
public struct RunReport: Equatable, Sendable {
    /// The run's id, unique within its sync: the decimal run number, counting from 1.
    public var runID: String
    /// The sync that ran.
    public var sync: SyncKey
    /// When ``Store/beginRun(_:)`` began it.
    public var startedAt: Timestamp
    /// When it was finished (or closed as interrupted by the next run's begin, or by a reset).
    public var endedAt: Timestamp
    /// Counts per model, keyed `Contact` or `Contact::eu`; a model no batch of the run touched is absent, one touched
    /// only with unchanged records has zero counts.
    public var models: [String: RunCounts]
    /// The checkpoint when the run began; `nil` on a first run or after a reset.
    public var checkpointFrom: Checkpoint?
    /// The checkpoint when the run ended.
    public var checkpointTo: Checkpoint?
    /// Success, or failure with its error text.
    public var outcome: RunOutcome

    /// How long the run took, in milliseconds.
    public var durationMilliseconds: Int64 { endedAt.milliseconds - startedAt.milliseconds }

    /// Whether the run succeeded.
    public var succeeded: Bool { outcome == .success }

    /// The error text of a failed run; `nil` after a success.
    public var error: String? {
        if case .failure(let text) = outcome { text } else { nil }
    }
}

/// A run's state while it is active, stored in its sync's row: everything its report needs but the end.
struct RunRecord: Equatable {
    /// The run number; the run id is its decimal string.
    var number: UInt64
    var startedAt: Timestamp
    var checkpointFrom: Checkpoint?
    var models: [String: RunCounts] = [:]

    var runID: String { String(number) }

    /// The report of this run ending at `endedAt` with `outcome` and the checkpoint `checkpointTo`.
    func report(for sync: SyncKey, endedAt: Timestamp, checkpointTo: Checkpoint?, outcome: RunOutcome) -> RunReport {
        RunReport(runID: runID, sync: sync, startedAt: startedAt, endedAt: max(endedAt, startedAt), models: models,
                  checkpointFrom: checkpointFrom, checkpointTo: checkpointTo, outcome: outcome)
    }

    /// Adds a batch's outcomes to the counts.
    mutating func count(_ summary: BatchSummary) {
        for (model, result) in summary.models {
            models[model, default: RunCounts()].add(RunCounts(added: Int64(result.added.count), updated: Int64(result.updated.count),
                                                              deleted: Int64(result.deleted.count)))
        }
    }

    func encode(into writer: inout ByteWriter) {
        writer.append(number)
        writer.append(startedAt.milliseconds)
        writer.appendCheckpoint(checkpointFrom)
        writer.append(UInt16(models.count))
        for (model, counts) in models.sorted(by: { $0.key < $1.key }) {
            writer.appendString(model)
            writer.append(counts.added)
            writer.append(counts.updated)
            writer.append(counts.deleted)
        }
    }

    init(number: UInt64, startedAt: Timestamp, checkpointFrom: Checkpoint?) {
        self.number = number
        self.startedAt = startedAt
        self.checkpointFrom = checkpointFrom
    }

    init(decoding reader: inout ByteReader) throws(TidemarkError) {
        number = try reader.read()
        startedAt = Timestamp(milliseconds: try reader.read())
        checkpointFrom = try reader.readCheckpoint()
        for _ in 0..<Int(try reader.read(UInt16.self)) {
            let model = try reader.readString()
            models[model] = RunCounts(added: try reader.read(), updated: try reader.read(), deleted: try reader.read())
        }
    }
}

extension RunCounts {
    mutating func add(_ other: RunCounts) {
        added += other.added
        updated += other.updated
        deleted += other.deleted
    }
}

extension RunRecord {
    /// The stored form of this run's report: the record, then end · outcome (1 success, 2 failure and its
    /// error) · checkpoint to. Read back by ``RunReport/init(decoding:sync:)``.
    func encodedReport(endedAt: Timestamp, checkpointTo: Checkpoint?, outcome: RunOutcome) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        encode(into: &writer)
        writer.append(max(endedAt, startedAt).milliseconds)
        switch outcome.bounded {
        case .success:
            writer.append(UInt8(1))
        case .failure(let text):
            writer.append(UInt8(2))
            writer.appendString(text)
        }
        writer.appendCheckpoint(checkpointTo)
        return writer.bytes
    }
}

extension RunReport {
    init(decoding buffer: UnsafeRawBufferPointer, sync: SyncKey) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        let record = try RunRecord(decoding: &reader)
        let endedAt = Timestamp(milliseconds: try reader.read())
        let outcome: RunOutcome
        switch try reader.read(UInt8.self) {
        case 1: outcome = .success
        case 2: outcome = .failure(try reader.readString())
        case let tag: throw .corrupted("unknown run outcome \(tag) in a run report")
        }
        self = record.report(for: sync, endedAt: endedAt, checkpointTo: try reader.readCheckpoint(), outcome: outcome)
    }
}

extension RunOutcome {
    /// The outcome with its error text cut to ``maximumErrorLength`` bytes, so a report stays small.
    var bounded: RunOutcome {
        guard case .failure(let text) = self, text.utf8.count > Self.maximumErrorLength else { return self }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > Self.maximumErrorLength { break }
            kept.append(scalar)
        }
        return .failure(String(kept))
    }
}

extension ByteWriter {
    /// An optional checkpoint: its encoded length (4 bytes, 0 for none), then ``Checkpoint/encoded``.
    mutating func appendCheckpoint(_ checkpoint: Checkpoint?) {
        guard let encoded = checkpoint?.encoded else {
            append(UInt32(0))
            return
        }
        append(UInt32(encoded.count))
        append(encoded)
    }
}

extension ByteReader {
    /// Reads what ``ByteWriter/appendCheckpoint(_:)`` wrote.
    mutating func readCheckpoint() throws(TidemarkError) -> Checkpoint? {
        let count = Int(try read(UInt32.self))
        return count == 0 ? nil : try Checkpoint(decoding: try readBytes(count))
    }
}
