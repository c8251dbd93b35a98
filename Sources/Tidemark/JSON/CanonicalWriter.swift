/// Writing a parsed value in canonical form (rules in `CanonicalJSON`), recursively: nesting is bounded by
/// `RecordProblem.maxDepth`, so the stack is too.
extension JSONView {
    /// Appends the canonical form of the value at node `index`.
    func writeValue(_ index: Int, to output: inout [UInt8]) {
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
            output.append(contentsOf: bytes(of: node))
        case .true:
            JSONText.appendASCII("true", to: &output)
        case .false:
            JSONText.appendASCII("false", to: &output)
        case .null:
            JSONText.appendASCII("null", to: &output)
        }
    }

    /// Appends `"key":value` for the member whose key is node `key`.
    func writeMember(_ key: Int, to output: inout [UInt8]) {
        writeString(nodes[key], to: &output)
        output.append(UInt8(ascii: ":"))
        writeValue(key + 1, to: &output)
    }

    /// Appends a string node quoted; one the input spelled without escapes is already canonical.
    @inline(__always)
    func writeString(_ node: JSONNode, to output: inout [UInt8]) {
        if node.isDecoded {
            JSONText.appendString(escaping: bytes(of: node), to: &output)
        } else {
            output.append(JSONText.quote)
            output.append(contentsOf: bytes(of: node))
            output.append(JSONText.quote)
        }
    }
}
