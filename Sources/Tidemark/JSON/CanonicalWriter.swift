/// Writing a parsed value in canonical form (rules in `CanonicalJSON`), recursively: nesting is bounded by
/// `RecordProblem.maxDepth`, so the stack is too.
///
/// The canonical form of a value takes no more bytes than its input spelling, except numbers that are
/// re-spelled (their spelling is in `decoded`) and a numeric id (two quotes): so the input's size plus the
/// decoded buffer's plus two bounds the output.
extension JSONView {
    /// Writes the canonical form of the value at node `index`.
    func writeValue(_ index: Int, to output: inout ReservedWriter) {
        let node = nodes[index]
        switch node.kind {
        case .object:
            output.append(UInt8(ascii: "{"))
            for (position, key) in memberKeys(of: node).enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeMember(Int(key), to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array:
            output.append(UInt8(ascii: "["))
            var element = index + 1
            for position in 0..<node.count {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeValue(element, to: &output)
                element = Int(nodes[element].next)
            }
            output.append(UInt8(ascii: "]"))
        case .string:
            writeString(node, to: &output)
        case .number:
            output.append(bytes(of: node))
        case .true:
            output.append("true")
        case .false:
            output.append("false")
        case .null:
            output.append("null")
        }
    }

    /// Writes `"key":value` for the member whose key is node `key`.
    func writeMember(_ key: Int, to output: inout ReservedWriter) {
        writeString(nodes[key], to: &output)
        output.append(UInt8(ascii: ":"))
        writeValue(key + 1, to: &output)
    }

    /// Writes a string node quoted. One the input spelled without escapes is already canonical: its bytes
    /// are copied with the quotes around them.
    @inline(__always)
    func writeString(_ node: JSONNode, to output: inout ReservedWriter) {
        if node.isDecoded {
            JSONText.writeString(escaping: bytes(of: node), to: &output)
        } else {
            output.append(UnsafeRawBufferPointer(rebasing: input[Int(node.lower) - 1..<Int(node.upper) + 1]))
        }
    }
}
