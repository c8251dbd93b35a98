import Crypto
import Foundation

/// The server's secret key, kept only as its SHA-256 digest so that comparing a presented key takes the same time
/// whatever the key and however much of it matches.
public struct SecretKey: Sendable {
    private let digest: [UInt8]

    /// A key; surrounding whitespace (a key file's trailing newline) is not part of it. `nil` for an empty key.
    public init?(_ key: String) {
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        digest = Array(SHA256.hash(data: Array(trimmed.utf8)))
    }

    /// Whether `candidate` is the key. Both sides are hashed to 32 bytes and every byte is compared, so the time
    /// taken does not depend on where the first difference is, nor on the candidate's length.
    public func matches(_ candidate: String) -> Bool {
        Self.constantTimeEqual(digest, Array(SHA256.hash(data: Array(candidate.utf8))))
    }

    /// Whether two byte strings of the same length are equal, looking at every byte whatever they hold.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
