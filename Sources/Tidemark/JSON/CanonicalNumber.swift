/// The one spelling of a JSON number in canonical form (rules in `CanonicalJSON`).
enum CanonicalNumber {
    /// Scans the number literal (RFC 8259 grammar) at `offset`; returns where it ends and whether the literal
    /// is already canonical, so that `appendSpelling` would write it unchanged. That is the case of integer
    /// literals but `-0`, and, to skip a round trip through `Double`, of plain decimals (no exponent) whose
    /// last digit is not 0, with at most 15 significant digits (so the shortest round-trip digits are the
    /// literal's own) and at least 0.001 in magnitude (so Swift writes them without an exponent).
    static func scan(_ input: UnsafeRawBufferPointer, at offset: Int) throws(RecordProblem) -> (end: Int, isCanonical: Bool) {
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
        let integerStart = index
        let integerIsZero = input[index] == UInt8(ascii: "0")
        if integerIsZero {
            index += 1
            if digit(at: index) { throw invalid("leading zero") }
        } else {
            skipDigits()
        }
        var significantDigits = integerIsZero ? 0 : index - integerStart
        var fractionIsPlain = false
        var isInteger = true
        if index < input.count, input[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            guard digit(at: index) else { throw invalid("expected a digit after '.'") }
            skipDigits()
            isInteger = false
            var leadingZeros = 0
            while integerIsZero, leadingZeros < index - fractionStart, input[fractionStart + leadingZeros] == UInt8(ascii: "0") {
                leadingZeros += 1
            }
            significantDigits += index - fractionStart - leadingZeros
            fractionIsPlain = input[index - 1] != UInt8(ascii: "0") && leadingZeros <= 2 && significantDigits <= 15
        }
        if index < input.count, input[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digit(at: index) else { throw invalid("expected a digit in the exponent") }
            skipDigits()
            return (index, false)
        }
        let isNegativeZero = integerIsZero && index - offset == 2
        return (index, isInteger ? !isNegativeZero : fractionIsPlain)
    }

    /// Appends the canonical spelling of a valid literal: its integer digits if its Double value is integral
    /// and below 2^53 in magnitude, else Swift's shortest round-trip `description`. Returns false, appending
    /// nothing, if the value is not finite. Integer literals other than `-0` are kept as written instead.
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
