import Foundation
import Testing
@testable import Tidemark

@Suite("Timestamps as ISO-8601 text")
struct TimestampTests {
    /// Foundation's formatter, the reference: UTC, milliseconds, `Z`.
    private static func reference(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    @Test func textMatchesFoundationAcrossDaysMonthsLeapYearsAndCenturies() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */,
                              4_107_542_399_999 /* 2100-02-28T23:59:59.999 */, 253_402_300_799_999 /* 9999-12-31 */]
        let randoms = (0..<2_000).map { _ in Int64.random(in: 0...253_402_300_799_999, using: &generator) }
        for milliseconds in edges + randoms {
            let timestamp = Timestamp(milliseconds: milliseconds)
            #expect(timestamp.description == Self.reference(milliseconds), "\(milliseconds) ms")
            #expect(Timestamp(iso8601: timestamp.description) == timestamp, "\(milliseconds) ms round trip")
        }
    }
}
