/// Why one record was rejected. The engine adds the record's index in the batch and its model.
public enum RecordProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid JSON (RFC 8259, UTF-8); `offset` is the byte where parsing stopped.
    case invalidJSON(offset: Int, reason: String)
    /// The JSON is valid but its top level is not an object.
    case notAnObject
    /// The object has no top-level `id` member.
    case missingID
    /// The `id` member is neither a string nor a number.
    case idNotStringOrNumber
    /// The `id` is the empty string.
    case emptyID
    /// The `id` is longer than ``RecordProblem/maxIDByteCount`` UTF-8 bytes.
    case idTooLong(byteCount: Int)
    /// The `id` contains the character U+0000.
    case idContainsNUL
    /// Arrays and objects are nested deeper than ``RecordProblem/maxDepth`` levels.
    case tooDeep

    /// The longest id accepted, in UTF-8 bytes.
    public static let maxIDByteCount = 255
    /// The deepest nesting of arrays and objects accepted; the record's own object is level 1.
    public static let maxDepth = 512

    public var description: String {
        switch self {
        case .invalidJSON(let offset, let reason):
            "invalid JSON at byte \(offset): \(reason)"
        case .notAnObject:
            "the record is not a JSON object; send each record as {\"id\": ..., ...}"
        case .missingID:
            "the record has no \"id\" field; every record needs the external API's primary key as \"id\""
        case .idNotStringOrNumber:
            "the record's \"id\" must be a string or a number"
        case .emptyID:
            "the record's \"id\" is an empty string"
        case .idTooLong(let byteCount):
            "the record's \"id\" is \(byteCount) bytes long in UTF-8; the limit is \(Self.maxIDByteCount)"
        case .idContainsNUL:
            "the record's \"id\" contains a NUL character (\\u0000), which ids may not contain"
        case .tooDeep:
            "the record nests arrays and objects more than \(Self.maxDepth) levels deep"
        }
    }
}
