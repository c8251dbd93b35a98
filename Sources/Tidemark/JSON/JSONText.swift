/// Writing JSON strings the canonical way (see `CanonicalJSON`): quoted, with only `"`, `\` and the
/// characters below U+0020 escaped (`\b` `\f` `\n` `\r` `\t`, else `\u00xx` in lower-case hex).
enum JSONText {
    /// Appends `string` as a quoted, canonically escaped JSON string.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        appendString(utf8: string.utf8, to: &output)
    }

    /// Appends UTF-8 bytes as a quoted, canonically escaped JSON string.
    static func appendString(utf8: some Collection<UInt8>, to output: inout [UInt8]) {
        let appended: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            output.append(atMost: maxEscapedCount(bytes.count)) { writeString(escaping: UnsafeRawBufferPointer(bytes), to: &$0) }
        }
        if appended == nil {
            let bytes = Array(utf8)
            appendString(utf8: bytes, to: &output)
        }
    }

    /// The most bytes `writeString` writes for `count` bytes: every byte escaped as `\u00xx`, and the quotes.
    private static func maxEscapedCount(_ count: Int) -> Int { 6 * count + 2 }

    /// Writes `bytes` as a quoted JSON string, copying the runs that need no escape in one go. It takes no
    /// more bytes than any JSON spelling of the same string.
    static func writeString(escaping bytes: UnsafeRawBufferPointer, to output: inout ReservedWriter) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        while true {
            let index = ByteScan.firstSpecial(in: bytes, from: runStart, nonASCII: false)
            output.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            guard index < bytes.count else { break }
            writeEscaped(bytes[index], to: &output)
            runStart = index + 1
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Writes the escape for `"`, `\` or a byte below 0x20: a short form where JSON has one, else `\u00xx`.
    private static func writeEscaped(_ byte: UInt8, to output: inout ReservedWriter) {
        let short: UInt8
        switch byte {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        default:
            let hex: StaticString = "0123456789abcdef"
            output.append("\\u00")
            output.append(hex.utf8Start[Int(byte >> 4)])
            output.append(hex.utf8Start[Int(byte & 0xF)])
            return
        }
        output.append(UInt8(ascii: "\\"))
        output.append(short)
    }
}
