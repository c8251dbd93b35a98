import Foundation

/// Cuts a JSON text into the raw texts of its values without decoding them, so that records can be handed to the
/// engine byte for byte (the engine parses and validates each record once, when it writes it).
///
/// The slicer checks the structure it walks through (objects, arrays, member keys, commas) and skips over the
/// values it is not asked about by matching brackets and strings. It does not validate numbers, literals or the
/// inside of skipped values: whoever decodes a slice validates it. Offsets in errors are byte offsets into the text.
public struct JSONSlicer {
    /// The whole text.
    public let bytes: UnsafeRawBufferPointer

    /// A slicer over `bytes`, which must outlive it.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The range of the text's one top-level value, without surrounding whitespace; throws when there is no value
    /// or more than one.
    public func root() throws(APIError) -> Range<Int> {
        let start = skipWhitespace(from: 0)
        let end = try skipValue(from: start)
        guard skipWhitespace(from: end) == bytes.count else {
            throw Self.invalid(at: skipWhitespace(from: end), "there is more text after the JSON value")
        }
        return start..<end
    }

    /// The first byte of the value in `range`, which tells its kind: `{` an object, `[` an array, `"` a string,
    /// `t` or `f` a boolean, `n` null, anything else a number; 0 for an empty range.
    public func kind(of range: Range<Int>) -> UInt8 { range.isEmpty ? 0 : bytes[range.lowerBound] }

    /// The members of the object in `range`, in order: each key decoded, each value as the range of its raw text.
    /// A key that appears twice is an error.
    public func members(ofObjectIn range: Range<Int>) throws(APIError) -> [(key: String, value: Range<Int>)] {
        guard kind(of: range) == UInt8(ascii: "{") else { throw Self.invalid(at: range.lowerBound, "expected an object") }
        var members: [(key: String, value: Range<Int>)] = []
        var keys = Set<String>()
        var index = skipWhitespace(from: range.lowerBound + 1)
        if index < range.upperBound, bytes[index] == UInt8(ascii: "}") { return members }
        while true {
            guard index < range.upperBound, bytes[index] == UInt8(ascii: "\"") else { throw Self.invalid(at: index, "expected a member name") }
            let keyEnd = try skipString(from: index)
            let key = try string(in: index..<keyEnd)
            guard keys.insert(key).inserted else { throw Self.invalid(at: index, "the member '\(key.prefix(80))' appears more than once") }
            index = skipWhitespace(from: keyEnd)
            guard index < range.upperBound, bytes[index] == UInt8(ascii: ":") else { throw Self.invalid(at: index, "expected ':'") }
            let valueStart = skipWhitespace(from: index + 1)
            let valueEnd = try skipValue(from: valueStart)
            members.append((key, valueStart..<valueEnd))
            index = skipWhitespace(from: valueEnd)
            guard index < range.upperBound else { throw Self.invalid(at: index, "the object is not closed") }
            if bytes[index] == UInt8(ascii: "}"), index == range.upperBound - 1 { return members }
            guard bytes[index] == UInt8(ascii: ",") else { throw Self.invalid(at: index, "expected ',' or '}'") }
            index = skipWhitespace(from: index + 1)
        }
    }

    /// Calls `body` with the range of each element of the array in `range`, in order.
    public func forEachElement(ofArrayIn range: Range<Int>, _ body: (Range<Int>) throws -> Void) throws {
        var next = try firstElement(ofArrayIn: range)
        while let current = next {
            try body(current)
            next = try element(after: current, inArrayIn: range)
        }
    }

    /// The range of the first element of the array in `range`; `nil` when it is empty.
    public func firstElement(ofArrayIn range: Range<Int>) throws(APIError) -> Range<Int>? {
        guard kind(of: range) == UInt8(ascii: "[") else { throw Self.invalid(at: range.lowerBound, "expected an array") }
        let index = skipWhitespace(from: range.lowerBound + 1)
        if index < range.upperBound, bytes[index] == UInt8(ascii: "]"), index == range.upperBound - 1 { return nil }
        return index..<(try skipValue(from: index))
    }

    /// The range of the element after `previous` in the array in `range`; `nil` after the last one.
    public func element(after previous: Range<Int>, inArrayIn range: Range<Int>) throws(APIError) -> Range<Int>? {
        var index = skipWhitespace(from: previous.upperBound)
        guard index < range.upperBound else { throw Self.invalid(at: index, "the array is not closed") }
        if bytes[index] == UInt8(ascii: "]"), index == range.upperBound - 1 { return nil }
        guard bytes[index] == UInt8(ascii: ",") else { throw Self.invalid(at: index, "expected ',' or ']'") }
        index = skipWhitespace(from: index + 1)
        return index..<(try skipValue(from: index))
    }

    /// The raw text of `range`.
    public func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    /// The string value in `range` (quotes included), with its escapes decoded.
    func string(in range: Range<Int>) throws(APIError) -> String {
        let inner = slice(range.lowerBound + 1..<range.upperBound - 1)
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        do {
            return try JSONDecoder().decode(String.self, from: Data(slice(range)))
        } catch {
            throw Self.invalid(at: range.lowerBound, "the string has an invalid escape")
        }
    }

    /// The value in `range` decoded as `type`; a decoding failure is `400 invalid_body` naming `what`.
    func decode<T: Decodable>(_ type: T.Type, in range: Range<Int>, what: String) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(slice(range)))
        } catch let error as APIError {
            throw error
        } catch {
            throw .invalidBody("\(what): \(Self.explain(error))")
        }
    }

    /// A one-line reason for a decoding failure.
    static func explain(_ error: any Error) -> String {
        switch error {
        case let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context):
            "\(Self.path(context.codingPath))expected \(Self.name(of: type))"
        case let DecodingError.keyNotFound(key, context):
            "\(Self.path(context.codingPath))'\(key.stringValue)' is required"
        case let DecodingError.dataCorrupted(context):
            "\(Self.path(context.codingPath))\(context.debugDescription)"
        default:
            "\(error)"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "" : "at \(codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()): "
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is UInt64.Type, is Double.Type: "a number"
        default: "\(type)"
        }
    }

    private func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return index
            }
        }
        return index
    }

    /// The index just past the string starting at `start` (which holds its opening quote).
    private func skipString(from start: Int) throws(APIError) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        throw Self.invalid(at: start, "the string is not closed")
    }

    /// The index just past the value starting at `start`.
    private func skipValue(from start: Int) throws(APIError) -> Int {
        guard start < bytes.count else { throw Self.invalid(at: start, "expected a value, found the end of the text") }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try skipString(from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = try skipString(from: index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            throw Self.invalid(at: start, "the \(bytes[start] == UInt8(ascii: "{") ? "object" : "array") is not closed")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            var index = start + 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: " "), UInt8(ascii: "\n"),
                     UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    return index
                default:
                    index += 1
                }
            }
            return index
        default:
            throw Self.invalid(at: start, "expected a JSON value")
        }
    }

    private static func invalid(at offset: Int, _ reason: String) -> APIError {
        .invalidBody("not valid JSON at byte \(offset): \(reason)")
    }
}
