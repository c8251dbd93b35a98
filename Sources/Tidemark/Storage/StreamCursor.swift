/// A position in one dataset's change stream: the dataset id and the sequence of a change.
///
/// Handed out as an opaque, URL-safe string: base64url (no padding) of version (1) · dataset id (4) ·
/// sequence (8), 18 characters. Sequences are allocated inside the write transaction, so a change committed
/// after a cursor was handed out always sorts after it. A cursor names a position, not a row: it stays valid
/// when its record changes, is deleted, or its log entry is removed.
struct StreamCursor: Equatable, Hashable {
    var dataset: UInt32
    var sequence: UInt64

    private static let version: UInt8 = 1
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    init(dataset: UInt32, sequence: UInt64) {
        self.dataset = dataset
        self.sequence = sequence
    }

    /// The number of characters of a cursor string.
    static let encodedCount = 18

    /// The cursor string.
    var encoded: String {
        String(unsafeUninitializedCapacity: Self.encodedCount) { out in
            encode(into: out)
            return Self.encodedCount
        }
    }

    /// Appends the cursor string's UTF-8 bytes to `out`.
    func appendEncoded(to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: Self.encodedCount))
        out.withUnsafeMutableBufferPointer { encode(into: UnsafeMutableBufferPointer(rebasing: $0[start...])) }
    }

    /// Writes the cursor string into the first ``encodedCount`` bytes of `out`, without allocating: the 13 bytes
    /// (version · dataset · sequence, big-endian) and two zero bytes of padding go through a stack buffer, then
    /// every 3 bytes become 4 characters; the last group yields only the 2 characters that carry data.
    private func encode(into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { raw in
            raw[0] = Self.version
            for index in 0..<4 { raw[1 + index] = UInt8(truncatingIfNeeded: dataset >> (24 - 8 * index)) }
            for index in 0..<8 { raw[5 + index] = UInt8(truncatingIfNeeded: sequence >> (56 - 8 * index)) }
            raw[13] = 0
            raw[14] = 0
            Self.alphabet.withUnsafeBufferPointer { alphabet in
                for group in 0..<5 {
                    let value = UInt32(raw[3 * group]) << 16 | UInt32(raw[3 * group + 1]) << 8 | UInt32(raw[3 * group + 2])
                    for position in 0..<min(4, Self.encodedCount - 4 * group) {
                        out[4 * group + position] = alphabet[Int(value >> UInt32(18 - 6 * position) & 63)]
                    }
                }
            }
        }
    }

    /// Parses a cursor string; throws ``TidemarkError/malformedCursor`` for anything Tidemark did not hand out.
    init(parsing text: String) throws(TidemarkError) {
        let chars = Array(text.utf8)
        guard chars.count == 18 else { throw .malformedCursor }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(13)
        var index = 0
        while index < chars.count {
            let chunk = chars[index..<min(index + 4, chars.count)]
            var value: UInt32 = 0
            for char in chunk {
                let digit = Self.reverse[Int(char)]
                guard digit >= 0 else { throw .malformedCursor }
                value = value << 6 | UInt32(digit)
            }
            value <<= UInt32(6 * (4 - chunk.count))
            for position in 0..<(chunk.count - 1) { bytes.append(UInt8(value >> UInt32(16 - 8 * position) & 0xFF)) }
            index += 4
        }
        // 13 bytes use 104 of the 108 bits of 18 characters; the last 4 bits must be zero.
        guard bytes.count == 13, Self.reverse[Int(chars[17])] & 0x0F == 0, bytes[0] == Self.version else { throw .malformedCursor }
        let dataset = bytes[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let sequence = bytes[5..<13].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard sequence > 0 else { throw .malformedCursor }
        self.init(dataset: dataset, sequence: sequence)
    }
}
