/// Skipping plain string content eight bytes at a time (SWAR): finds the next byte that is `"`, `\`, a
/// control character (below 0x20) or, when asked, non-ASCII (0x80 and above).
enum ByteScan {
    /// The index of the first byte at or after `offset` that is `"`, `\`, below 0x20 or, if `nonASCII`,
    /// 0x80 and above; `bytes.count` if there is none.
    @inline(__always)
    static func firstSpecial(in bytes: UnsafeRawBufferPointer, from offset: Int, nonASCII: Bool) -> Int {
        var index = offset
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let marks = specialBytes(word) | (nonASCII ? word & highs : 0)
            if marks != 0 {
                return index + marks.trailingZeroBitCount / 8
            }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (nonASCII && byte >= 0x80) {
                return index
            }
            index += 1
        }
        return index
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Sets the high bit of each byte of `word` (loaded little-endian) that is `"`, `\` or below 0x20. Bytes
    /// above the first marked one may be marked wrongly (borrows); the lowest mark is always right.
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let quotes = zeroBytes(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
        let backslashes = zeroBytes(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
        let controls = (word &- ones &* 0x20) & ~word & highs
        return quotes | backslashes | controls
    }
}
