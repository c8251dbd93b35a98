/// An instant in milliseconds since 1970-01-01T00:00:00Z, the engine's unit of time.
public struct Timestamp: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var milliseconds: Int64

    /// Creates a timestamp from milliseconds since the Unix epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// This instant moved by `milliseconds`.
    public func adding(milliseconds delta: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + delta) }

    /// ISO-8601 in UTC with milliseconds, e.g. `2024-01-15T10:00:00.000Z`.
    public var description: String { String(decoding: iso8601Bytes, as: UTF8.self) }

    /// The ISO-8601 text as UTF-8 bytes, written without Foundation (this runs once per record read).
    var iso8601Bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendISO8601(to: &out)
        return out
    }

    /// Appends the ISO-8601 text to `out`: `YYYY-MM-DDTHH:MM:SS.mmmZ`, 24 bytes formatted on the stack and
    /// appended at once (a page of records renders two per record).
    func appendISO8601(to out: inout [UInt8]) {
        let ms = milliseconds
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = Int(ms - days * 86_400_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            func put(_ value: Int, digits: Int, at offset: Int, then separator: Unicode.Scalar) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    text[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
                text[offset + digits] = UInt8(ascii: separator)
            }
            put(Int(year), digits: 4, at: 0, then: "-")
            put(Int(month), digits: 2, at: 5, then: "-")
            put(Int(day), digits: 2, at: 8, then: "T")
            put(msOfDay / 3_600_000, digits: 2, at: 11, then: ":")
            put(msOfDay / 60_000 % 60, digits: 2, at: 14, then: ":")
            put(msOfDay / 1000 % 60, digits: 2, at: 17, then: ".")
            put(msOfDay % 1000, digits: 3, at: 20, then: "Z")
            out.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// Parses ISO-8601: `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and `Z` or `±HH:MM`. Returns `nil`
    /// for anything else. Fractions beyond milliseconds are truncated.
    public init?(iso8601 text: String) {
        var bytes = Array(text.utf8)[...]
        func number(_ count: Int) -> Int64? {
            guard bytes.count >= count else { return nil }
            var value: Int64 = 0
            for byte in bytes.prefix(count) {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            bytes = bytes.dropFirst(count)
            return value
        }
        func take(_ ascii: Unicode.Scalar) -> Bool {
            guard bytes.first == UInt8(ascii: ascii) else { return false }
            bytes = bytes.dropFirst()
            return true
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var ms = Self.daysSinceEpoch(year: year, month: month, day: day) * 86_400_000
        if take("T") || take(" ") {
            guard let hour = number(2), hour < 24, take(":"), let minute = number(2), minute < 60 else { return nil }
            ms += hour * 3_600_000 + minute * 60_000
            if take(":") {
                guard let second = number(2), second < 60 else { return nil }
                ms += second * 1000
                if take(".") || take(",") {
                    var scale: Int64 = 100
                    var seen = false
                    while let byte = bytes.first, byte >= 48, byte <= 57 {
                        ms += Int64(byte - 48) * scale
                        scale /= 10
                        seen = true
                        bytes = bytes.dropFirst()
                    }
                    guard seen else { return nil }
                }
            }
            if take("Z") || take("z") {
            } else if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
                guard let oh = number(2), oh < 24 else { return nil }
                _ = take(":")
                guard let om = number(2), om < 60 else { return nil }
                let offset = (oh * 60 + om) * 60_000
                ms += sign == UInt8(ascii: "+") ? -offset : offset
            } else {
                return nil
            }
        }
        guard bytes.isEmpty else { return nil }
        self.init(milliseconds: ms)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil and civil_from_days.
    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
