import Foundation
import LMDB

/// One field of a checkpoint: a string, a number or a boolean. Dates are stored as ISO-8601 strings.
public enum CheckpointField: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A string of at most 4,000 characters.
    case string(String)
    /// A finite number.
    case number(Double)
    /// A boolean.
    case bool(Bool)

    /// A date, stored as its ISO-8601 string with milliseconds in UTC.
    public static func date(_ date: Date) -> CheckpointField {
        .string(Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down))).description)
    }

    public var description: String {
        switch self {
        case .string(let value): "\"\(value)\""
        case .number(let value): value.description
        case .bool(let value): value.description
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}

/// A sync's progress marker: a flat object, versioned.
public struct Checkpoint: Equatable, Sendable {
    /// The value; `nil` after a clear (the version is kept, so it only grows).
    public var value: [String: CheckpointField]?
    /// Bumped by every write, a clear included; starts at 1.
    public var version: UInt64
    /// When it was last written.
    public var updatedAt: Timestamp

    /// The largest number of fields a checkpoint may have.
    public static let maximumFields = 16
    /// The largest length of a field name, in characters.
    public static let maximumNameLength = 255
    /// The largest length of a string value, in characters.
    public static let maximumStringLength = 4000

    /// Creates a checkpoint.
    public init(value: [String: CheckpointField]?, version: UInt64, updatedAt: Timestamp) {
        self.value = value
        self.version = version
        self.updatedAt = updatedAt
    }

    /// Checks SPEC §2.4's rules, naming the offending field.
    static func validate(_ value: [String: CheckpointField]) throws(TidemarkError) {
        if value.count > maximumFields {
            throw .invalidCheckpoint(field: nil, reason: "it has \(value.count) fields; at most \(maximumFields) are allowed")
        }
        for (name, field) in value.sorted(by: { $0.key < $1.key }) {
            if name.isEmpty { throw .invalidCheckpoint(field: name, reason: "field names must not be empty") }
            if name.count > maximumNameLength {
                throw .invalidCheckpoint(field: name, reason: "the name is \(name.count) characters; at most \(maximumNameLength) are allowed")
            }
            if name.utf8.contains(0) { throw .invalidCheckpoint(field: name, reason: "the name contains a NUL character") }
            switch field {
            case .string(let string) where string.count > maximumStringLength:
                throw .invalidCheckpoint(field: name, reason: "the string is \(string.count) characters; at most \(maximumStringLength) are allowed")
            case .number(let number) where !number.isFinite:
                throw .invalidCheckpoint(field: name, reason: "numbers must be finite")
            default: break
            }
        }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.append(version)
        writer.append(updatedAt.milliseconds)
        guard let value else {
            writer.append(UInt8(0))
            return writer.bytes
        }
        writer.append(UInt8(1))
        writer.append(UInt8(value.count))
        for (name, field) in value.sorted(by: { $0.key < $1.key }) {
            writer.appendString(name)
            switch field {
            case .string(let string):
                writer.append(UInt8(1))
                writer.appendString(string)
            case .number(let number):
                writer.append(UInt8(2))
                writer.append(number.bitPattern)
            case .bool(let bool):
                writer.append(UInt8(3))
                writer.append(UInt8(bool ? 1 : 0))
            }
        }
        return writer.bytes
    }

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        var reader = ByteReader(buffer)
        version = try reader.read()
        updatedAt = Timestamp(milliseconds: try reader.read())
        guard try reader.read(UInt8.self) == 1 else {
            value = nil
            return
        }
        var fields: [String: CheckpointField] = [:]
        for _ in 0..<Int(try reader.read(UInt8.self)) {
            let name = try reader.readString()
            switch try reader.read(UInt8.self) {
            case 1: fields[name] = .string(try reader.readString())
            case 2: fields[name] = .number(Double(bitPattern: try reader.read()))
            case 3: fields[name] = .bool(try reader.read(UInt8.self) != 0)
            case let tag: throw .corrupted("unknown checkpoint field tag \(tag)")
            }
        }
        value = fields
    }
}

/// The version a checkpoint write expects to find.
public enum ExpectedVersion: Equatable, Sendable, CustomStringConvertible {
    /// No check.
    case any
    /// The checkpoint must not exist yet: never written, or cleared (a cleared checkpoint has no value).
    case absent
    /// The stored checkpoint must be at exactly this version.
    case exactly(UInt64)

    public var description: String {
        switch self {
        case .any: "any version"
        case .absent: "no checkpoint"
        case .exactly(let version): "version \(version)"
        }
    }
}

/// A checkpoint write carried by a batch, committed in the batch's transaction.
public enum CheckpointWrite: Equatable, Sendable {
    /// Sets the value.
    case set([String: CheckpointField], expected: ExpectedVersion = .any)
    /// Clears the value; clearing a checkpoint that does not exist is not an error.
    case clear(expected: ExpectedVersion = .any)
}

/// Reads and writes checkpoint rows.
struct CheckpointTable {
    let layout: Layout

    func checkpoint(for sync: SyncKey, in txn: borrowing Transaction) throws -> Checkpoint? {
        try sync.storageKey.withUnsafeBytes { key in
            guard let raw = try txn.value(in: layout.checkpoints, forKey: key) else { return nil }
            return try Checkpoint(decoding: raw)
        }
    }

    /// Applies `write` after checking its expected version; returns the new checkpoint.
    func apply(_ write: CheckpointWrite, for sync: SyncKey, now: Timestamp, in txn: borrowing Transaction) throws -> Checkpoint {
        let current = try checkpoint(for: sync, in: txn)
        let expected: ExpectedVersion
        let value: [String: CheckpointField]?
        switch write {
        case let .set(newValue, version):
            try Checkpoint.validate(newValue)
            (expected, value) = (version, newValue)
        case let .clear(version):
            (expected, value) = (version, nil)
        }
        switch expected {
        case .any: break
        case .absent:
            // A cleared checkpoint reads as no value, so creating it again is allowed; a live one conflicts.
            if current?.value != nil { throw TidemarkError.checkpointConflict(expected: expected, actual: current?.version) }
        case .exactly(let version):
            if current?.version != version { throw TidemarkError.checkpointConflict(expected: expected, actual: current?.version) }
        }
        if value == nil, current == nil {
            return Checkpoint(value: nil, version: 0, updatedAt: now)  // clearing nothing writes nothing
        }
        let next = Checkpoint(value: value, version: (current?.version ?? 0) + 1, updatedAt: now)
        try sync.storageKey.withUnsafeBytes { key in
            try next.encoded.withUnsafeBytes { try txn.put($0, forKey: key, in: layout.checkpoints) }
        }
        return next
    }
}
