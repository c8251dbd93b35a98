/// An RFC 8259 parser over UTF-8 bytes into a `JSONTree`, without recursion and without per-value allocation.
///
/// It accepts exactly RFC 8259 JSON in UTF-8: any value at the top level, surrounded by optional whitespace;
/// no comments, no trailing commas, no byte order mark. Strings must be valid UTF-8 (no overlong forms, no
/// encoded surrogates) and their `\u` escapes must not leave a surrogate unpaired. Numbers must be finite as
/// doubles unless they are integer literals. Duplicate keys in one object are an error. Nesting deeper than
/// `RecordProblem.maxDepth` is `tooDeep`.
struct JSONParser {
    private let input: UnsafeRawBufferPointer
    private let storage: JSONStorage
    private(set) var nodeCount = 0
    private(set) var memberCount = 0
    private var pendingCount = 0
    private var depth = 0
    /// See `JSONTree.decoded`; handed in and back by the tree so that it keeps its capacity.
    var decoded: [UInt8]

    /// Prepares to parse `input` into `storage`, which must have room for it (`JSONStorage.inputCapacity`).
    init(input: UnsafeRawBufferPointer, storage: JSONStorage, decoded: [UInt8]) {
        precondition(input.count <= storage.inputCapacity)
        self.input = input
        self.storage = storage
        self.decoded = decoded
    }

    private var nodes: UnsafeMutablePointer<JSONNode> { storage.nodes }

    /// Parses the whole input.
    mutating func parse() throws(RecordProblem) {
        let end = input.count
        var index = Self.skipWhitespace(input, from: 0)
        nextValue: while true {
            guard index < end else { throw Self.unexpectedEnd(at: index) }
            switch input[index] {
            case UInt8(ascii: "{"):
                let object = try open(.object)
                index = Self.skipWhitespace(input, from: index + 1)
                if index < end, input[index] == UInt8(ascii: "}") {
                    try close(object, at: index)
                    index += 1
                } else {
                    index = try parseMemberKey(at: index, of: object)
                    continue nextValue
                }
            case UInt8(ascii: "["):
                let array = try open(.array)
                index = Self.skipWhitespace(input, from: index + 1)
                if index < end, input[index] == UInt8(ascii: "]") {
                    try close(array, at: index)
                    index += 1
                } else {
                    nodes[array].upper = 1
                    continue nextValue
                }
            case UInt8(ascii: "\""):
                index = try parseString(at: index)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                index = try parseNumber(at: index)
            case UInt8(ascii: "t"):
                index = try parseLiteral("true", .true, at: index)
            case UInt8(ascii: "f"):
                index = try parseLiteral("false", .false, at: index)
            case UInt8(ascii: "n"):
                index = try parseLiteral("null", .null, at: index)
            default:
                throw .invalidJSON(offset: index, reason: "expected a value, found \(Self.describe(input[index]))")
            }
            // A value ended just before `index`: go to the next element, or close containers.
            while depth > 0 {
                let container = Int(storage.openContainers[depth - 1])
                index = Self.skipWhitespace(input, from: index)
                guard index < end else { throw Self.unexpectedEnd(at: index) }
                let isObject = nodes[container].kind == .object
                switch input[index] {
                case UInt8(ascii: ","):
                    index = Self.skipWhitespace(input, from: index + 1)
                    if isObject {
                        index = try parseMemberKey(at: index, of: container)
                    } else {
                        nodes[container].upper += 1
                    }
                    continue nextValue
                case isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"):
                    try close(container, at: index)
                    index += 1
                default:
                    throw .invalidJSON(
                        offset: index,
                        reason: "expected ',' or '\(isObject ? "}" : "]")', found \(Self.describe(input[index]))")
                }
            }
            index = Self.skipWhitespace(input, from: index)
            guard index == end else {
                throw .invalidJSON(offset: index, reason: "unexpected \(Self.describe(input[index])) after the JSON value")
            }
            return
        }
    }

    // MARK: Containers

    /// Appends a container node and makes it the innermost open one; returns its index.
    private mutating func open(_ kind: JSONKind) throws(RecordProblem) -> Int {
        guard depth < RecordProblem.maxDepth else { throw .tooDeep }
        let index = nodeCount
        appendNode(JSONNode(kind: kind))
        storage.openContainers[depth] = UInt32(index)
        depth += 1
        return index
    }

    /// Closes the innermost open container at `offset`; an object gets its members sorted, rejecting duplicates.
    private mutating func close(_ container: Int, at offset: Int) throws(RecordProblem) {
        depth -= 1
        nodes[container].next = UInt32(nodeCount)
        guard nodes[container].kind == .object else { return }
        let count = nodes[container].count
        pendingCount -= count
        let keys = UnsafeMutableBufferPointer(start: storage.pendingKeys + pendingCount, count: count)
        if let duplicate = sortKeys(keys) {
            let key = withStringBytes(duplicate) { String(decoding: $0, as: UTF8.self) }
            throw .invalidJSON(offset: offset, reason: "duplicate key \"\(key)\"")
        }
        nodes[container].lower = UInt32(memberCount)
        for key in keys {
            storage.members[memberCount] = key.node
            memberCount += 1
        }
    }

    /// Sorts an object's keys; returns the node index of a key that appears twice, if any.
    private func sortKeys(_ keys: UnsafeMutableBufferPointer<PendingKey>) -> Int? {
        decoded.withUnsafeBytes { decoded in
            func order(_ a: PendingKey, _ b: PendingKey) -> Int {
                if a.prefix != b.prefix { return a.prefix < b.prefix ? -1 : 1 }
                return compareBytes(
                    nodes[Int(a.node)].bytes(in: input, decoded: decoded), nodes[Int(b.node)].bytes(in: input, decoded: decoded))
            }
            var keys = keys
            if keys.count <= 24 {
                // Insertion sort: fast for the usual small object, linear when the input is already sorted.
                for unsorted in keys.indices.dropFirst() {
                    let key = keys[unsorted]
                    var slot = unsorted
                    while slot > 0, order(keys[slot - 1], key) > 0 {
                        keys[slot] = keys[slot - 1]
                        slot -= 1
                    }
                    keys[slot] = key
                }
            } else {
                keys.sort { order($0, $1) < 0 }
            }
            for slot in keys.indices.dropFirst() where order(keys[slot - 1], keys[slot]) == 0 {
                return Int(keys[slot].node)
            }
            return nil
        }
    }

    /// Calls `body` with the bytes of the string at node `index`.
    @inline(__always)
    private func withStringBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        decoded.withUnsafeBytes { body(nodes[index].bytes(in: input, decoded: $0)) }
    }

    /// Parses `"key" :` at `offset` as the next member of `object`; returns the offset of the member's value.
    private mutating func parseMemberKey(at offset: Int, of object: Int) throws(RecordProblem) -> Int {
        guard offset < input.count else { throw Self.unexpectedEnd(at: offset) }
        guard input[offset] == UInt8(ascii: "\"") else {
            throw .invalidJSON(offset: offset, reason: "expected a string key, found \(Self.describe(input[offset]))")
        }
        let key = nodeCount
        var index = Self.skipWhitespace(input, from: try parseString(at: offset))
        storage.pendingKeys[pendingCount] = PendingKey(prefix: keyPrefix(key), node: UInt32(key))
        pendingCount += 1
        nodes[object].upper += 1
        guard index < input.count else { throw Self.unexpectedEnd(at: index) }
        guard input[index] == UInt8(ascii: ":") else {
            throw .invalidJSON(offset: index, reason: "expected ':' after an object key, found \(Self.describe(input[index]))")
        }
        index = Self.skipWhitespace(input, from: index + 1)
        return index
    }

    /// The first eight bytes of the key at node `index` as a big-endian integer, zero-padded: keys order as
    /// their prefixes do, unless the prefixes are equal.
    @inline(__always)
    private func keyPrefix(_ index: Int) -> UInt64 {
        let node = nodes[index]
        let count = Int(node.upper) - Int(node.lower)
        guard !node.isDecoded, Int(node.lower) + 8 <= input.count else {
            return withStringBytes(index) { key in
                var prefix: UInt64 = 0
                for position in 0..<min(key.count, 8) {
                    prefix |= UInt64(key[position]) << (56 - 8 * position)
                }
                return prefix
            }
        }
        // Eight bytes from the key's start are in the input (past a short key: its closing quote and more).
        let word = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: Int(node.lower), as: UInt64.self))
        return count >= 8 ? word : word & ~(UInt64.max >> (8 * count))
    }

    // MARK: Scalars

    /// Appends a node whose subtree is itself alone.
    @inline(__always)
    private mutating func appendNode(_ node: JSONNode) {
        var node = node
        node.next = UInt32(truncatingIfNeeded: nodeCount + 1)
        nodes[nodeCount] = node
        nodeCount += 1
    }

    /// Appends a leaf node whose bytes are `lower..<upper` of the input, or of `decoded`.
    @inline(__always)
    private mutating func appendLeaf(_ kind: JSONKind, decoded isDecoded: Bool = false, _ lower: Int, _ upper: Int) {
        appendNode(JSONNode(
            kind: kind, isDecoded: isDecoded, lower: UInt32(truncatingIfNeeded: lower),
            upper: UInt32(truncatingIfNeeded: upper)))
    }

    private mutating func parseLiteral(_ literal: StaticString, _ kind: JSONKind, at offset: Int) throws(RecordProblem) -> Int {
        let length = literal.utf8CodeUnitCount
        var matches = offset + length <= input.count
        for position in 0..<length where matches {
            matches = input[offset + position] == literal.utf8Start[position]
        }
        guard matches else {
            throw .invalidJSON(offset: offset, reason: "expected a value, found \(Self.describe(input[offset]))")
        }
        appendLeaf(kind, 0, 0)
        return offset + length
    }

    /// Parses a number literal at `offset`; returns the offset after it.
    private mutating func parseNumber(at offset: Int) throws(RecordProblem) -> Int {
        let (end, isCanonical) = try CanonicalNumber.scan(input, at: offset)
        if isCanonical {
            appendLeaf(.number, offset, end)
            return end
        }
        let start = decoded.count
        let literal = UnsafeRawBufferPointer(rebasing: input[offset..<end])
        guard CanonicalNumber.appendSpelling(of: literal, to: &decoded) else {
            throw .invalidJSON(
                offset: offset,
                reason: "the number \(String(decoding: literal.prefix(40), as: UTF8.self)) is out of range of a 64-bit float")
        }
        appendLeaf(.number, decoded: true, start, decoded.count)
        return end
    }

    /// Parses a string at `offset` (its opening quote); returns the offset after its closing quote.
    private mutating func parseString(at offset: Int) throws(RecordProblem) -> Int {
        let start = offset + 1
        var index = start
        while true {
            index = ByteScan.firstSpecial(in: input, from: index, nonASCII: true)
            guard index < input.count else { break }
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                appendLeaf(.string, start, index)
                return index + 1
            } else if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(from: start, firstEscape: index)
            } else if byte < 0x20 {
                throw Self.controlCharacter(byte, at: index)
            } else {
                index = try Self.validateUTF8Sequence(input, at: index)
            }
        }
        throw .invalidJSON(offset: offset, reason: "unterminated string")
    }

    /// The slow path of `parseString` once an escape is seen: decodes the string into `decoded`.
    private mutating func parseEscapedString(from start: Int, firstEscape: Int) throws(RecordProblem) -> Int {
        let decodedStart = decoded.count
        var runStart = start
        var index = firstEscape
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[runStart..<index]))
                if byte == UInt8(ascii: "\"") {
                    appendLeaf(.string, decoded: true, decodedStart, decoded.count)
                    return index + 1
                }
                index = try decodeEscape(at: index)
                runStart = index
            } else if byte < 0x20 {
                throw Self.controlCharacter(byte, at: index)
            } else if byte >= 0x80 {
                index = try Self.validateUTF8Sequence(input, at: index)
            } else {
                index = ByteScan.firstSpecial(in: input, from: index, nonASCII: true)
            }
        }
        throw .invalidJSON(offset: start - 1, reason: "unterminated string")
    }

    /// Decodes the escape at `offset` (its backslash) into `decoded`; returns the offset after it.
    private mutating func decodeEscape(at offset: Int) throws(RecordProblem) -> Int {
        guard offset + 1 < input.count else { throw Self.unexpectedEnd(at: offset + 1) }
        let simple: UInt8
        switch input[offset + 1] {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            return try decodeUnicodeEscape(at: offset)
        default:
            throw .invalidJSON(offset: offset, reason: "invalid escape \\\(String(decoding: [input[offset + 1]], as: UTF8.self))")
        }
        decoded.append(simple)
        return offset + 2
    }

    /// Decodes `\uXXXX` at `offset`, or a surrogate pair `\uD8xx\uDCxx`, as UTF-8 into `decoded`.
    private mutating func decodeUnicodeEscape(at offset: Int) throws(RecordProblem) -> Int {
        let unit = try Self.hexQuad(input, at: offset + 2)
        var scalar = UInt32(unit)
        var end = offset + 6
        switch unit {
        case 0xDC00...0xDFFF:
            throw .invalidJSON(offset: offset, reason: "lone low surrogate \\u\(String(unit, radix: 16))")
        case 0xD800...0xDBFF:
            guard end + 1 < input.count, input[end] == UInt8(ascii: "\\"), input[end + 1] == UInt8(ascii: "u"),
                case let low = try Self.hexQuad(input, at: end + 2), (0xDC00...0xDFFF).contains(low)
            else {
                throw .invalidJSON(offset: offset, reason: "lone high surrogate \\u\(String(unit, radix: 16))")
            }
            scalar = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
            end += 6
        default:
            break
        }
        for byte in UTF8.encode(Unicode.Scalar(scalar)!)! {
            decoded.append(byte)
        }
        return end
    }

    // MARK: Bytes

    @inline(__always)
    private static func skipWhitespace(_ input: UnsafeRawBufferPointer, from offset: Int) -> Int {
        var index = offset
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return index
            }
        }
        return index
    }

    /// Reads four hex digits at `offset`.
    private static func hexQuad(_ input: UnsafeRawBufferPointer, at offset: Int) throws(RecordProblem) -> UInt16 {
        guard offset + 4 <= input.count else { throw unexpectedEnd(at: input.count) }
        var value: UInt16 = 0
        for index in offset..<offset + 4 {
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .invalidJSON(offset: index, reason: "expected four hex digits after \\u")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Checks the multi-byte UTF-8 sequence starting at `offset` (RFC 3629: no overlong forms, no surrogates,
    /// nothing above U+10FFFF); returns the offset after it.
    private static func validateUTF8Sequence(_ input: UnsafeRawBufferPointer, at offset: Int) throws(RecordProblem) -> Int {
        let lead = input[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw invalidUTF8(at: offset)
        }
        guard offset + length <= input.count, secondRange.contains(input[offset + 1]) else {
            throw invalidUTF8(at: offset)
        }
        for index in offset + 2..<offset + length where input[index] & 0xC0 != 0x80 {
            throw invalidUTF8(at: offset)
        }
        return offset + length
    }

    // MARK: Errors

    private static func unexpectedEnd(at offset: Int) -> RecordProblem {
        .invalidJSON(offset: offset, reason: "unexpected end of input")
    }

    private static func invalidUTF8(at offset: Int) -> RecordProblem {
        .invalidJSON(offset: offset, reason: "invalid UTF-8")
    }

    private static func controlCharacter(_ byte: UInt8, at offset: Int) -> RecordProblem {
        .invalidJSON(offset: offset, reason: "unescaped control character \(describe(byte)) in a string")
    }

    /// A byte as a person reads it in an error message: `'x'` for printable ASCII, else `byte 0x1f`.
    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte)
            ? "'\(String(decoding: [byte], as: UTF8.self))'"
            : "byte 0x\(String(byte, radix: 16))"
    }
}
