import LMDB

/// Every error the engine throws. Each message says what was wrong and what to do about it; a batch that
/// fails with any of these has written nothing.
public enum TidemarkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record of a batch was rejected: `operation` (`save`, `update`, `delete`) of `model`, at `index`.
    case invalidRecord(model: String, operation: String, index: Int, problem: RecordProblem)
    /// A record is larger than ``StoreOptions/maximumRecordSize``.
    case recordTooLarge(model: String, operation: String, index: Int, size: Int, limit: Int)
    /// A name (connection id, integration id, model, variant, sync) is empty, too long or holds a NUL.
    case invalidName(kind: String, name: String, reason: String)
    /// A checkpoint value breaks a rule; `field` names the offending field when there is one.
    case invalidCheckpoint(field: String?, reason: String)
    /// The stored checkpoint's version is not the one the write expected.
    case checkpointConflict(expected: ExpectedVersion, actual: UInt64?)
    /// A read's parameters are out of range (limit, ids, filter).
    case invalidQuery(String)
    /// A cursor string is not one Tidemark handed out.
    case malformedCursor
    /// A cursor belongs to another dataset.
    case cursorFromAnotherDataset
    /// A cursor was handed out before its dataset was emptied (reset with emptyCache, or expired by TTL).
    case cursorBeforeEmpty
    /// A request that cannot be carried out as asked.
    case invalidRequest(String)
    /// A batch or call named a run that is not its sync's active run: unknown, finished, or superseded.
    case runNotActive(sync: String, runID: String, activeRunID: String?)
    /// `trackDeletesEnd` was called for a dataset that has no open deletion window.
    case noDeletionWindow(dataset: String)
    /// The store's files hold something Tidemark did not write; restore from a copy or run `verify`.
    case corrupted(String)
    /// LMDB failed; see ``LMDBError`` for the cause.
    case storage(LMDBError)

    public var description: String {
        switch self {
        case let .invalidRecord(model, operation, index, problem):
            "record \(index) of the \(operation) list for model '\(model)' is invalid: \(problem)"
        case let .recordTooLarge(model, operation, index, size, limit):
            "record \(index) of the \(operation) list for model '\(model)' is \(size) bytes; the limit is \(limit) bytes (StoreOptions.maximumRecordSize)"
        case let .invalidName(kind, name, reason):
            "invalid \(kind) '\(name.prefix(80))': \(reason)"
        case let .invalidCheckpoint(field, reason):
            if let field { "invalid checkpoint field '\(field.prefix(80))': \(reason)" } else { "invalid checkpoint: \(reason)" }
        case let .checkpointConflict(expected, actual):
            "checkpoint conflict: the write expected \(expected) but the stored checkpoint is at \(actual.map { "version \($0)" } ?? "no version (it does not exist)"); read it again and retry"
        case let .invalidQuery(reason):
            "invalid query: \(reason)"
        case .malformedCursor:
            "the cursor is malformed: pass back a cursor exactly as Tidemark returned it"
        case .cursorFromAnotherDataset:
            "the cursor belongs to another dataset (connection, model or variant): use a cursor returned for this one"
        case .cursorBeforeEmpty:
            "the cursor was handed out before this dataset was emptied; start again without a cursor"
        case let .invalidRequest(reason):
            "invalid request: \(reason)"
        case let .runNotActive(sync, runID, activeRunID):
            "run '\(runID.prefix(80))' of sync '\(sync)' is not active (\(activeRunID.map { "the active run is '\($0)'" } ?? "no run is active")): it finished, was superseded by a newer run, or never began; use the run id that beginRun returned, or begin a new run"
        case let .noDeletionWindow(dataset):
            "dataset \(dataset) has no open deletion window: call trackDeletesStart before trackDeletesEnd"
        case let .corrupted(reason):
            "the store is damaged: \(reason)"
        case let .storage(error):
            "storage error: \(error)"
        }
    }
}

extension TidemarkError {
    /// Runs `body`, turning LMDB's errors into ``TidemarkError/storage(_:)``.
    static func wrapping<R>(_ body: () throws -> R) throws(TidemarkError) -> R {
        do {
            return try body()
        } catch let error as TidemarkError {
            throw error
        } catch let error as LMDBError {
            throw .storage(error)
        } catch {
            throw .corrupted("unexpected error: \(error)")
        }
    }
}
