/// Deep merge of a partial record over a stored one: objects merge member by member, recursively; arrays and
/// scalars (`null` included) in the patch replace the stored value; members the patch lacks are kept.
extension JSONView {
    /// Writes the canonical form of the value at node `index` merged over `base`'s node `baseIndex`.
    func writeValue(_ index: Int, mergedOver base: JSONView, _ baseIndex: Int, to output: inout ReservedWriter) {
        let node = nodes[index]
        let baseNode = base.nodes[baseIndex]
        guard node.kind == .object, baseNode.kind == .object else {
            writeValue(index, to: &output)
            return
        }
        output.append(UInt8(ascii: "{"))
        var join = MemberJoin(self, node, over: base, baseNode)
        var isFirst = true
        while let (key, baseKey) = join.next() {
            if !isFirst { output.append(UInt8(ascii: ",")) }
            isFirst = false
            if let key {
                writeString(nodes[key], to: &output)
                output.append(UInt8(ascii: ":"))
                if let baseKey {
                    writeValue(key + 1, mergedOver: base, baseKey + 1, to: &output)
                } else {
                    writeValue(key + 1, to: &output)
                }
            } else if let baseKey {
                base.writeMember(baseKey, to: &output)
            }
        }
        output.append(UInt8(ascii: "}"))
    }
}

/// The members of an object and of the object it is merged over, in key order: a merge-join of the two
/// sorted member lists. Each step gives the key node of the member in the object, in the base, or in both.
struct MemberJoin {
    private let view: JSONView
    private let keys: UnsafeBufferPointer<UInt32>
    private let base: JSONView
    private let baseKeys: UnsafeBufferPointer<UInt32>
    private var position = 0
    private var basePosition = 0

    init(_ view: JSONView, _ object: JSONNode, over base: JSONView, _ baseObject: JSONNode) {
        self.view = view
        self.keys = view.memberKeys(of: object)
        self.base = base
        self.baseKeys = base.memberKeys(of: baseObject)
    }

    /// The object's members alone.
    init(_ view: JSONView, _ object: JSONNode) {
        self.view = view
        self.keys = view.memberKeys(of: object)
        self.base = view
        self.baseKeys = UnsafeBufferPointer(start: nil, count: 0)
    }

    @inline(__always)
    mutating func next() -> (key: Int?, baseKey: Int?)? {
        let hasKey = position < keys.count
        let hasBaseKey = basePosition < baseKeys.count
        guard hasKey || hasBaseKey else { return nil }
        let key = hasKey ? Int(keys[position]) : 0
        let baseKey = hasBaseKey ? Int(baseKeys[basePosition]) : 0
        let order = !hasBaseKey ? -1 : !hasKey ? 1
            : compareBytes(view.bytes(of: view.nodes[key]), base.bytes(of: base.nodes[baseKey]))
        if order < 0 {
            position += 1
            return (key, nil)
        } else if order > 0 {
            basePosition += 1
            return (nil, baseKey)
        } else {
            position += 1
            basePosition += 1
            return (key, baseKey)
        }
    }
}
