/// The `_nango_metadata` of a record as read.
public struct RecordMetadata: Equatable, Sendable {
    /// When the record was first seen (or re-added after a delete).
    public var firstSeenAt: Timestamp
    /// When the record last changed.
    public var lastModifiedAt: Timestamp
    /// The record's current state.
    public var lastAction: RecordAction
    /// When it was soft-deleted, if it is.
    public var deletedAt: Timestamp?
    /// When its payload was dropped by retention, if it was.
    public var prunedAt: Timestamp?
    /// The record's position in the change stream, as the cursor string (made when asked for).
    public var cursor: String { position.encoded }
    /// The record's position in the change stream.
    var position: StreamCursor
}

extension RecordMetadata {
    init(entry: LogEntry, position: StreamCursor) {
        self.init(firstSeenAt: entry.firstSeenAt, lastModifiedAt: entry.lastModifiedAt, lastAction: entry.action,
                  deletedAt: entry.deletedAt, prunedAt: entry.prunedAt, position: position)
    }

    /// The most bytes ``appendRecordJSON(payload:to:)`` adds to a payload: the `_nango_metadata` member with
    /// both optional timestamps set (about 250 bytes), rounded up.
    static let maximumJSONSize = 256

    /// Appends a record as the platform returns it: `payload`, a canonical JSON object, with this metadata
    /// added as its last member, `_nango_metadata`. The one writer of a record's JSON, for a ``StoredRecord``
    /// and for a page rendered straight from the log.
    func appendRecordJSON(payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // Drop the payload's closing brace and add the metadata member.
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload.dropLast()))
        if payload.count > 2 { out.append(UInt8(ascii: ",")) }
        out.append(literal: "\"_nango_metadata\":{\"first_seen_at\":\"")
        firstSeenAt.appendISO8601(to: &out)
        out.append(literal: "\",\"last_modified_at\":\"")
        lastModifiedAt.appendISO8601(to: &out)
        out.append(literal: "\",\"last_action\":\"")
        out.append(literal: lastAction.literal)
        out.append(literal: "\",\"deleted_at\":")
        Self.appendOptional(deletedAt, to: &out)
        out.append(literal: ",\"pruned_at\":")
        Self.appendOptional(prunedAt, to: &out)
        out.append(literal: ",\"cursor\":\"")
        position.appendEncoded(to: &out)
        out.append(literal: "\"}}")
    }

    private static func appendOptional(_ timestamp: Timestamp?, to out: inout [UInt8]) {
        guard let timestamp else {
            out.append(literal: "null")
            return
        }
        out.append(UInt8(ascii: "\""))
        timestamp.appendISO8601(to: &out)
        out.append(UInt8(ascii: "\""))
    }
}

/// One record as read from the change stream: its id, canonical JSON payload and metadata.
public struct StoredRecord: Equatable, Sendable {
    /// The record id.
    public var id: String
    /// The canonical JSON payload; `{"id": …}` only when the payload was pruned.
    public var payload: [UInt8]
    /// The metadata.
    public var metadata: RecordMetadata

    /// A copy of a borrowed record, valid after the read that lent it.
    public init(_ record: BorrowedRecord) {
        id = String(decoding: record.id, as: UTF8.self)
        payload = Array(record.payload)
        metadata = record.metadata
    }

    /// The payload as text.
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }

    /// The record as the platform returns it: the payload with `_nango_metadata` added.
    public var json: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + RecordMetadata.maximumJSONSize)
        appendJSON(to: &out)
        return out
    }

    /// Appends the record as the platform returns it to `out`.
    public func appendJSON(to out: inout [UInt8]) {
        payload.withUnsafeBytes { metadata.appendRecordJSON(payload: $0, to: &out) }
    }
}

/// One record of the change stream lent by ``Store/forEachRecord(in:_:_:)``: its bytes are the store's own,
/// valid only inside the closure it is passed to. Copy what must outlive it (``StoredRecord/init(_:)``).
public struct BorrowedRecord {
    /// The record id's UTF-8 bytes.
    public let id: UnsafeRawBufferPointer
    /// The canonical JSON payload; `{"id": …}` only when the payload was pruned.
    public let payload: UnsafeRawBufferPointer
    /// The metadata.
    public let metadata: RecordMetadata

    /// Appends the record as the platform returns it, the payload with `_nango_metadata` added, to `out`.
    public func appendJSON(to out: inout [UInt8]) {
        metadata.appendRecordJSON(payload: payload, to: &out)
    }

    /// What stands for a pruned record's payload: `{"id": …}`.
    private static func prunedPayload(id: UnsafeRawBufferPointer) -> [UInt8] {
        var payload = Array("{\"id\":".utf8)
        JSONText.appendString(utf8: id, to: &payload)
        payload.append(UInt8(ascii: "}"))
        return payload
    }

    /// Runs `body` with the record of `entry`, at `position`; a pruned entry lends `{"id": …}` as its payload.
    static func lend<R>(_ entry: LogEntry, at position: StreamCursor, to body: (BorrowedRecord) throws -> R) rethrows -> R {
        let metadata = RecordMetadata(entry: entry, position: position)
        guard entry.prunedAt != nil else {
            return try body(BorrowedRecord(id: entry.recordID, payload: entry.payload, metadata: metadata))
        }
        return try prunedPayload(id: entry.recordID).withUnsafeBytes {
            try body(BorrowedRecord(id: entry.recordID, payload: $0, metadata: metadata))
        }
    }
}

/// One page of the change stream.
public struct RecordPage: Equatable, Sendable {
    /// The records, in stream order.
    public var records: [StoredRecord]
    /// The cursor of the last record when more matching records existed at read time, else `nil`.
    public var nextCursor: String?

    /// The platform's response body: `{"records": [...], "next_cursor": ...}`.
    public var json: [UInt8] {
        var body = RecordPageBody(capacity: records.reduce(64) { $0 + $1.payload.count + RecordMetadata.maximumJSONSize })
        for record in records {
            record.payload.withUnsafeBytes { body.append(payload: $0, metadata: record.metadata) }
        }
        return body.finish(nextCursor: nextCursor)
    }
}

/// One page of the change stream rendered as the platform's response body, by ``Store/recordsJSON(in:_:)``.
public struct RecordPageJSON: Equatable, Sendable {
    /// `{"records": [...], "next_cursor": ...}`: byte for byte the ``RecordPage/json`` of the same read.
    public var body: [UInt8]
    /// The number of records in `body`.
    public var count: Int
    /// The cursor of the last record when more matching records existed at read time, else `nil`.
    public var nextCursor: String?
}

/// Writes a page body, `{"records": [...], "next_cursor": ...}`, one record at a time.
struct RecordPageBody {
    private var bytes: [UInt8] = []
    /// The records written so far.
    private(set) var count = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: "{\"records\":[".utf8)
    }

    /// Appends a record from its payload and metadata.
    mutating func append(payload: UnsafeRawBufferPointer, metadata: RecordMetadata) {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        metadata.appendRecordJSON(payload: payload, to: &bytes)
        count += 1
    }

    /// The body, closed with `next_cursor`.
    consuming func finish(nextCursor: String?) -> [UInt8] {
        bytes.append(contentsOf: "],\"next_cursor\":".utf8)
        if let nextCursor {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: nextCursor.utf8)
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
