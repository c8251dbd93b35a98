import Tidemark

/// Reads checkpoints and `expected_version` from request JSON (and from the command line's options).
public enum CheckpointJSON {
    /// The JSON object `text` as a checkpoint value; `400 invalid_checkpoint` naming a field whose value is not a
    /// string, number or boolean.
    public static func value(json text: String) throws(APIError) -> [String: CheckpointField] {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(APIError) in
                let json = JSONSlicer(UnsafeRawBufferPointer(bytes))
                return try value(in: json.root(), of: json)
            }
        }.get()
    }


    /// The flat object in `range` as a checkpoint value; `400 invalid_checkpoint` naming the field whose value is not
    /// a string, number or boolean. The engine checks the other rules (counts and lengths) when it writes.
    static func value(in range: Range<Int>, of json: JSONSlicer) throws(APIError) -> [String: CheckpointField] {
        guard json.kind(of: range) == UInt8(ascii: "{") else {
            throw APIError(.invalidCheckpoint(field: nil, reason: "a checkpoint is a JSON object of strings, numbers and booleans"))
        }
        var value: [String: CheckpointField] = [:]
        for (name, raw) in try json.members(ofObjectIn: range) {
            let field: CheckpointField
            switch json.kind(of: raw) {
            case UInt8(ascii: "\""):
                field = .string(try json.string(in: raw))
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                field = .bool(try json.decode(Bool.self, in: raw, what: "checkpoint field '\(name)'"))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                field = .number(try json.decode(Double.self, in: raw, what: "checkpoint field '\(name)'"))
            default:
                throw APIError(.invalidCheckpoint(field: name, reason: "values must be strings, numbers or booleans, not \(describe(json.kind(of: raw)))"))
            }
            value[name] = field
        }
        return value
    }

    /// `expected_version` as a body member: absent (`nil`) is no check, `null` means the checkpoint must not exist, a
    /// non-negative integer is the exact version expected; anything else is `409 checkpoint_conflict`.
    static func expectedVersion(in range: Range<Int>?, of json: JSONSlicer) throws(APIError) -> ExpectedVersion {
        guard let range else { return .any }
        return try expectedVersion(String(decoding: json.slice(range), as: UTF8.self))
    }

    /// `expected_version` as a query parameter or a command-line option, with the same meaning as in a body.
    public static func expectedVersion(query text: String?) throws(APIError) -> ExpectedVersion {
        guard let text else { return .any }
        return try expectedVersion(text)
    }

    private static func expectedVersion(_ text: String) throws(APIError) -> ExpectedVersion {
        if text == "null" { return .absent }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let version = UInt64(text) else {
            throw .unusableExpectedVersion(text)
        }
        return .exactly(version)
    }

    private static func describe(_ kind: UInt8) -> String {
        switch kind {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "n"): "null"
        default: "this value"
        }
    }
}

/// A checkpoint as `GET`/`PUT /sync/{sync}/checkpoint` answer it: `{"checkpoint": {...} or null, "version": n}`.
public struct CheckpointState: Encodable, Sendable {
    /// The value; `nil` on a first run or after a clear.
    public var checkpoint: [String: CheckpointField]?
    /// The version; 0 when the checkpoint was never written.
    public var version: UInt64

    /// The state of `checkpoint`, `nil` when there is none.
    public init(_ checkpoint: Checkpoint?) {
        self.checkpoint = checkpoint?.value
        version = checkpoint?.version ?? 0
    }

    /// Encodes both members, `checkpoint` as `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checkpoint, forKey: .checkpoint)
        try container.encode(version, forKey: .version)
    }

    private enum CodingKeys: String, CodingKey { case checkpoint, version }
}
