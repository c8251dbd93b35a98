import Foundation

/// The JSON encoding of every response body and every `--json` output: keys sorted, slashes unescaped, `nil`
/// written as `null` where a type encodes it so.
public enum JSONCoding {
    /// `value` as JSON text.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
