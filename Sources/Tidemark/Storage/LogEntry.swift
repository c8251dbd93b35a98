/// What a record change did.
public enum RecordAction: String, Sendable, CaseIterable, Codable {
    /// The record is new, or came back after a delete, and has not changed since.
    case added = "ADDED"
    /// The record changed since it was first seen.
    case updated = "UPDATED"
    /// The record is soft-deleted; its last payload is kept.
    case deleted = "DELETED"

    /// The raw value as a literal, for writing JSON without a `String`.
    var literal: StaticString {
        switch self {
        case .added: "ADDED"
        case .updated: "UPDATED"
        case .deleted: "DELETED"
        }
    }

    var code: UInt8 {
        switch self {
        case .added: 1
        case .updated: 2
        case .deleted: 3
        }
    }

    init(code: UInt8) throws(TidemarkError) {
        switch code {
        case 1: self = .added
        case 2: self = .updated
        case 3: self = .deleted
        default: throw .corrupted("unknown record action \(code) in the log")
        }
    }
}

/// One log entry: the latest version of one record, at its position in the change stream.
///
/// Key: dataset id (4) · sequence (8), big-endian, so a dataset's stream is one contiguous key range in commit
/// order. Value: action (1) · first seen (8) · last modified (8) · deleted at (8) · pruned at (8) · hash (16) ·
/// id length (2) · id · payload (canonical JSON; empty when pruned). Absent timestamps are `Int64.min`.
///
/// When a record changes, its previous entry is removed in the same transaction (eager compaction), so the log
/// holds exactly one entry per record and a stream read never has to skip superseded versions.
struct LogEntry {
    var action: RecordAction
    var firstSeenAt: Timestamp
    var lastModifiedAt: Timestamp
    var deletedAt: Timestamp?
    var prunedAt: Timestamp?
    var hash: PayloadHash
    /// The record id's UTF-8 bytes; borrowed like the payload, so a read that renders bytes makes no `String`.
    var recordID: UnsafeRawBufferPointer
    /// The canonical payload; borrowed from the map or from a write buffer, valid only as long as its source.
    var payload: UnsafeRawBufferPointer

    static let headerSize = 1 + 8 * 4 + 16 + 2

    init(action: RecordAction, firstSeenAt: Timestamp, lastModifiedAt: Timestamp, deletedAt: Timestamp?,
         prunedAt: Timestamp?, hash: PayloadHash, recordID: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        self.action = action
        self.firstSeenAt = firstSeenAt
        self.lastModifiedAt = lastModifiedAt
        self.deletedAt = deletedAt
        self.prunedAt = prunedAt
        self.hash = hash
        self.recordID = recordID
        self.payload = payload
    }

    /// Decodes an entry; the id and payload stay borrowed from `buffer`.
    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        action = try RecordAction(code: try reader.read())
        firstSeenAt = Timestamp(milliseconds: try reader.read())
        lastModifiedAt = Timestamp(milliseconds: try reader.read())
        deletedAt = Self.optional(try reader.read())
        prunedAt = Self.optional(try reader.read())
        hash = PayloadHash(bytes: try reader.readBytes(16))
        recordID = try reader.readBytes(Int(try reader.read(UInt16.self)))
        payload = reader.readRest()
    }

    /// The record id as a string (a copy, valid after the entry's source is gone).
    var id: String { String(decoding: recordID, as: UTF8.self) }

    private static func optional(_ ms: Int64) -> Timestamp? {
        ms == Int64.min ? nil : Timestamp(milliseconds: ms)
    }

    /// The action and last-modified time only, without decoding the rest: the filter step of a stream read.
    static func peek(_ buffer: UnsafeRawBufferPointer) throws(TidemarkError) -> (RecordAction, Timestamp) {
        guard buffer.count >= headerSize else { throw .corrupted("a log entry has only \(buffer.count) bytes") }
        var reader = ByteReader(buffer)
        let action = try RecordAction(code: try reader.read())
        _ = try reader.read(Int64.self)
        return (action, Timestamp(milliseconds: try reader.read()))
    }

    var encodedSize: Int { Self.headerSize + recordID.count + payload.count }

    /// Writes the entry into `out`, which has exactly ``encodedSize`` bytes (an `MDB_RESERVE` slot).
    func encode(into out: UnsafeMutableRawBufferPointer) {
        var offset = 0
        func put<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.bigEndian) { out.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            offset += MemoryLayout<T>.size
        }
        func put(bytes: UnsafeRawBufferPointer) {
            if let base = bytes.baseAddress, bytes.count > 0 {
                out.baseAddress!.advanced(by: offset).copyMemory(from: base, byteCount: bytes.count)
            }
            offset += bytes.count
        }
        put(action.code)
        put(firstSeenAt.milliseconds)
        put(lastModifiedAt.milliseconds)
        put(deletedAt?.milliseconds ?? Int64.min)
        put(prunedAt?.milliseconds ?? Int64.min)
        put(hash.high)
        put(hash.low)
        put(UInt16(recordID.count))
        put(bytes: recordID)
        put(bytes: payload)
    }
}

/// Runs `body` with the 12-byte log key of (dataset, sequence), built on the stack.
@inline(__always)
func withLogKey<R>(dataset: UInt32, sequence: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(byteCount: 12, alignment: 8) { key in
        key.storeBytes(of: dataset.bigEndian, toByteOffset: 0, as: UInt32.self)
        key.storeBytes(of: sequence.bigEndian, toByteOffset: 4, as: UInt64.self)
        return try body(UnsafeRawBufferPointer(key))
    }
}

/// Decodes a 12-byte log key into (dataset, sequence).
func decodeLogKey(_ key: UnsafeRawBufferPointer) throws(TidemarkError) -> (dataset: UInt32, sequence: UInt64) {
    guard key.count == 12 else { throw .corrupted("a log key has \(key.count) bytes, not 12") }
    var reader = ByteReader(key)
    return (try reader.read(), try reader.read())
}
