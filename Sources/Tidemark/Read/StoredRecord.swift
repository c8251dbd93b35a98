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
    /// The record's position in the change stream.
    public var cursor: String
}

/// One record as read from the change stream: its id, canonical JSON payload and metadata.
public struct StoredRecord: Equatable, Sendable {
    /// The record id.
    public var id: String
    /// The canonical JSON payload; `{"id": …}` only when the payload was pruned.
    public var payload: [UInt8]
    /// The metadata.
    public var metadata: RecordMetadata

    init(entry: LogEntry, cursor: StreamCursor) {
        id = entry.recordID
        if entry.prunedAt == nil {
            payload = Array(entry.payload)
        } else {
            payload = Array("{\"id\":".utf8)
            JSONText.appendString(entry.recordID, to: &payload)
            payload.append(UInt8(ascii: "}"))
        }
        metadata = RecordMetadata(firstSeenAt: entry.firstSeenAt, lastModifiedAt: entry.lastModifiedAt, lastAction: entry.action,
                                  deletedAt: entry.deletedAt, prunedAt: entry.prunedAt, cursor: cursor.encoded)
    }

    /// The payload as text.
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }

    /// The record as the platform returns it: the payload with `_nango_metadata` added.
    public var json: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 220)
        appendJSON(to: &out)
        return out
    }

    /// Appends the record as the platform returns it to `out`.
    public func appendJSON(to out: inout [UInt8]) {
        // The payload is a canonical object: drop its closing brace and add the metadata member.
        out.append(contentsOf: payload.dropLast())
        if payload.count > 2 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: "\"_nango_metadata\":{\"first_seen_at\":\"".utf8)
        metadata.firstSeenAt.appendISO8601(to: &out)
        out.append(contentsOf: "\",\"last_modified_at\":\"".utf8)
        metadata.lastModifiedAt.appendISO8601(to: &out)
        out.append(contentsOf: "\",\"last_action\":\"".utf8)
        out.append(contentsOf: metadata.lastAction.rawValue.utf8)
        out.append(contentsOf: "\",\"deleted_at\":".utf8)
        Self.appendOptional(metadata.deletedAt, to: &out)
        out.append(contentsOf: ",\"pruned_at\":".utf8)
        Self.appendOptional(metadata.prunedAt, to: &out)
        out.append(contentsOf: ",\"cursor\":\"".utf8)
        out.append(contentsOf: metadata.cursor.utf8)
        out.append(contentsOf: "\"}}".utf8)
    }

    private static func appendOptional(_ timestamp: Timestamp?, to out: inout [UInt8]) {
        guard let timestamp else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        timestamp.appendISO8601(to: &out)
        out.append(UInt8(ascii: "\""))
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
        var out: [UInt8] = []
        out.reserveCapacity(records.reduce(64) { $0 + $1.payload.count + 240 })
        out.append(contentsOf: "{\"records\":[".utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            record.appendJSON(to: &out)
        }
        out.append(contentsOf: "],\"next_cursor\":".utf8)
        if let nextCursor {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: nextCursor.utf8)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
