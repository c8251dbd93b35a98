/// Appending JSON text to a byte buffer, the canonical way (see `CanonicalJSON`).
enum JSONText {
    /// Appends `string` quoted, escaping only `"`, `\` and control characters below U+0020.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        appendString(utf8: string.utf8, to: &output)
    }

    /// Appends UTF-8 bytes as a quoted JSON string, escaping only `"`, `\` and bytes below 0x20.
    static func appendString(utf8: some Collection<UInt8>, to output: inout [UInt8]) {
        let done: Void? = utf8.withContiguousStorageIfAvailable {
            appendString(escaping: UnsafeRawBufferPointer($0), to: &output)
        }
        guard done == nil else { return }
        output.append(quote)
        for byte in utf8 {
            appendEscaped(byte, to: &output)
        }
        output.append(quote)
    }

    /// Appends `bytes` as a quoted JSON string, copying runs that need no escape in one go.
    static func appendString(escaping bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.append(quote)
        var runStart = 0
        for index in 0..<bytes.count where needsEscape(bytes[index]) {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            appendEscaped(bytes[index], to: &output)
            runStart = index + 1
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        output.append(quote)
    }

    /// Appends an ASCII literal such as `true`.
    static func appendASCII(_ literal: StaticString, to output: inout [UInt8]) {
        literal.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    static let quote = UInt8(ascii: "\"")

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == quote || byte == UInt8(ascii: "\\")
    }

    /// Appends one byte, escaped if it must be: short forms where JSON has them, else `\u00xx`.
    @inline(__always)
    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        guard needsEscape(byte) else {
            output.append(byte)
            return
        }
        let short: UInt8
        switch byte {
        case quote: short = quote
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        default:
            let hex: StaticString = "0123456789abcdef"
            appendASCII("\\u00", to: &output)
            hex.withUTF8Buffer {
                output.append($0[Int(byte >> 4)])
                output.append($0[Int(byte & 0xF)])
            }
            return
        }
        output.append(UInt8(ascii: "\\"))
        output.append(short)
    }
}
