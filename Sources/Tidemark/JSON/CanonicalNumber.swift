/// The one spelling of a JSON number in canonical form (rules in `CanonicalJSON`).
enum CanonicalNumber {
    /// Scans the number literal (RFC 8259 grammar) at `offset`; returns where it ends and whether it is an
    /// integer literal (no fraction, no exponent).
    static func scan(_ input: UnsafeRawBufferPointer, at offset: Int) throws(RecordProblem) -> (end: Int, isInteger: Bool) {
        var index = offset
        func digit(at index: Int) -> Bool {
            index < input.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[index])
        }
        func skipDigits() {
            while digit(at: index) { index += 1 }
        }
        func invalid(_ reason: String) -> RecordProblem {
            .invalidJSON(offset: offset, reason: "invalid number: \(reason)")
        }
        if input[index] == UInt8(ascii: "-") { index += 1 }
        guard digit(at: index) else { throw invalid("expected a digit") }
        if input[index] == UInt8(ascii: "0") {
            index += 1
            if digit(at: index) { throw invalid("leading zero") }
        } else {
            skipDigits()
        }
        var isInteger = true
        if index < input.count, input[index] == UInt8(ascii: ".") {
            index += 1
            guard digit(at: index) else { throw invalid("expected a digit after '.'") }
            skipDigits()
            isInteger = false
        }
        if index < input.count, input[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digit(at: index) else { throw invalid("expected a digit in the exponent") }
            skipDigits()
            isInteger = false
        }
        return (index, isInteger)
    }

    /// Appends the canonical spelling of a valid literal that is not kept as written (it has a fraction or an
    /// exponent, or is `-0`): its integer digits if the double is integral and below 2^53 in magnitude, else
    /// Swift's shortest round-trip `description`. Returns false, appending nothing, if it is not finite.
    static func appendSpelling(of literal: UnsafeRawBufferPointer, to output: inout [UInt8]) -> Bool {
        guard let value = Double(String(decoding: literal, as: UTF8.self)), value.isFinite else { return false }
        if value.rounded(.towardZero) == value, value.magnitude < 0x1p53 {
            appendDecimal(Int64(value), to: &output)
        } else {
            output.append(contentsOf: value.description.utf8)
        }
        return true
    }

    /// Appends the decimal digits of `value`, with a '-' if negative.
    static func appendDecimal(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let first = output.count
        repeat {
            output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        output[first...].reverse()
    }
}
