import Crypto

/// The hash of a record's canonical payload: the first 16 bytes of its SHA-256.
///
/// Two payloads with the same content (whatever their key order, whitespace or number spelling) have the
/// same hash; the engine compares hashes to tell *updated* from *unchanged*. Stored as 16 bytes, big-endian.
public struct PayloadHash: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–7 of the hash, big-endian.
    public let high: UInt64
    /// Bytes 8–15 of the hash, big-endian.
    public let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads a hash from the 16 bytes `write(to:)` produced.
    init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 16, "a PayloadHash is 16 bytes, got \(bytes.count)")
        self.init(high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                  low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// Takes the first 16 bytes of a SHA-256 digest.
    init(_ digest: SHA256Digest) {
        let (high, low) = digest.withUnsafeBytes { bytes in
            (
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
        self.init(high: high, low: low)
    }

    /// Appends the 16 bytes of the hash, big-endian.
    func write(to output: inout [UInt8]) {
        withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { output.append(contentsOf: $0) }
    }

    /// The hash as 32 lower-case hex digits.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(32)
        for word in [high, low] {
            for shift in stride(from: 60, through: 0, by: -4) {
                text.append(digits[Int(word >> UInt64(shift) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
