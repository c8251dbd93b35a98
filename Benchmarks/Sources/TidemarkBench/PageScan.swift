import Glibc

/// Reads what W3 over HTTP needs from a `GET /records` body without parsing the whole page: the number of records
/// (one `"_nango_metadata":` member each; the generated payloads never contain that text) and `next_cursor`, the
/// body's last member. A full JSON parse would measure the client's parser rather than the server.
enum PageScan {
    private static let marker = Array(#""_nango_metadata":"#.utf8)
    private static let nextCursor = Array(#""next_cursor":"#.utf8)

    /// The record count and the `next_cursor` (`nil` when it is `null`) of `body`.
    static func countAndNextCursor(_ body: UnsafeRawBufferPointer) throws -> (Int, String?) {
        let bytes = body.bindMemory(to: UInt8.self)
        var count = 0
        var searched = 0
        while let found = firstRange(of: marker, in: body, from: searched) {
            count += 1
            searched = found + marker.count
        }
        guard let start = lastRange(of: nextCursor, in: bytes) else { throw BenchError("no next_cursor in the page") }
        let value = bytes[(start + nextCursor.count)...].dropLast()  // the closing brace of the body
        if value.elementsEqual("null".utf8) { return (count, nil) }
        guard value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") else {
            throw BenchError("next_cursor is neither null nor a string")
        }
        return (count, String(decoding: value.dropFirst().dropLast(), as: UTF8.self))
    }

    /// Where `pattern` first occurs in `bytes` at or after `from`: memchr for its second byte (`_` of the marker,
    /// rare in the payloads, where `"` is everywhere), then memcmp.
    private static func firstRange(of pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var index = from + 1
        while index - 1 + pattern.count <= bytes.count {
            guard let hit = memchr(base + index, Int32(pattern[1]), bytes.count - pattern.count + 2 - index) else { return nil }
            index = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + index - 1, pattern, pattern.count) == 0 { return index - 1 }
            index += 1
        }
        return nil
    }

    private static func lastRange(of pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = bytes.count - pattern.count
        while index >= 0 {
            if pattern.indices.allSatisfy({ bytes[index + $0] == pattern[$0] }) { return index }
            index -= 1
        }
        return nil
    }
}
