/// Appends fixed-width big-endian integers and length-prefixed strings: the on-disk encodings.
///
/// Big-endian so that LMDB's byte-wise key order equals numeric order.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// A string as a 16-bit length and its UTF-8 bytes.
    mutating func appendString(_ string: String) {
        var copy = string
        copy.withUTF8 { utf8 in
            append(UInt16(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// An optional string: a presence byte, then the string.
    mutating func appendOptionalString(_ string: String?) {
        append(UInt8(string == nil ? 0 : 1))
        if let string { appendString(string) }
    }
}

/// Reads what ``ByteWriter`` wrote, from a borrowed buffer. Every read checks bounds and throws
/// ``TidemarkError/corrupted(_:)`` past the end, so a damaged file is an error, never a crash.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var remaining: Int { buffer.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(TidemarkError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .corrupted("an entry ends early") }
        defer { offset += size }
        return T(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func readBytes(_ count: Int) throws(TidemarkError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw .corrupted("an entry ends early") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func readString() throws(TidemarkError) -> String {
        let count = Int(try read(UInt16.self))
        return String(decoding: try readBytes(count), as: UTF8.self)
    }

    mutating func readOptionalString() throws(TidemarkError) -> String? {
        try read(UInt8.self) == 0 ? nil : try readString()
    }

    /// The bytes not read yet.
    mutating func readRest() -> UnsafeRawBufferPointer {
        defer { offset = buffer.count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset...])
    }
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a string literal, without going through `String`.
    @inline(__always)
    mutating func append(literal: StaticString) {
        append(contentsOf: UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
