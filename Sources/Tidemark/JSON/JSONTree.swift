/// The kind of one JSON value.
enum JSONKind: UInt8 {
    case object, array, string, number, `true`, `false`, null
}

/// One value of a parsed JSON text, stored flat in preorder in `JSONTree.nodes`.
///
/// An object's node is followed by its members in input order, each a key node (a string) immediately
/// followed by its value's subtree; an array's node is followed by its elements' subtrees.
struct JSONNode {
    var kind: JSONKind
    /// Whether `lower..<upper` is a range of `JSONTree.decoded` rather than of the input.
    var isDecoded = false
    /// Strings: the bytes between the quotes (decoded if the input had escapes). Numbers: the canonical spelling.
    /// Objects: `lower` is the first slot of the sorted member list in `JSONTree.members`, `upper` the member
    /// count. Arrays: `upper` is the element count.
    var lower: UInt32 = 0
    var upper: UInt32 = 0
    /// The index of the first node after this node's subtree: its next sibling, if it has one.
    var next: UInt32 = 0

    var count: Int { Int(upper) }
}

/// A parsed JSON text: nodes plus the buffers they point into.
///
/// Invariants once `parse` returned: node 0 is the root; every object's members are listed in `members`
/// sorted by the bytes of their decoded keys, with no two keys equal. Byte ranges that are not decoded point
/// into the input that was parsed, so a view needs that same input. The buffers keep their capacity between
/// parses: steady state allocates nothing.
struct JSONTree {
    var nodes: [JSONNode] = []
    /// Key node indices of each object's members, sorted by key; objects own consecutive slots.
    var members: [UInt32] = []
    /// Strings whose input had escapes, decoded, and numbers whose canonical spelling differs from the input.
    var decoded: [UInt8] = []
    /// Parser scratch: the containers open at the current position, innermost last.
    var openContainers: [UInt32] = []
    /// Parser scratch: key node indices of the open objects' members, in input order.
    var pendingMembers: [UInt32] = []

    /// Calls `body` with a read-only view of the tree over `input`, the bytes last given to `parse`.
    func withView<Result, Failure: Error>(
        of input: UnsafeRawBufferPointer,
        _ body: (JSONView) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = nodes.withUnsafeBufferPointer { nodes in
            members.withUnsafeBufferPointer { members in
                decoded.withUnsafeBytes { decoded in
                    let view = JSONView(nodes: nodes, members: members, input: input, decoded: decoded)
                    do throws(Failure) {
                        return .success(try body(view))
                    } catch {
                        return .failure(error)
                    }
                }
            }
        }
        return try outcome.get()
    }
}

/// A read-only view of a `JSONTree` and the input it was parsed from, valid inside `JSONTree.withView`.
struct JSONView {
    let nodes: UnsafeBufferPointer<JSONNode>
    let members: UnsafeBufferPointer<UInt32>
    let input: UnsafeRawBufferPointer
    let decoded: UnsafeRawBufferPointer

    /// The bytes of a string (decoded, without quotes) or a number (canonical spelling).
    @inline(__always)
    func bytes(of node: JSONNode) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: (node.isDecoded ? decoded : input)[Int(node.lower)..<Int(node.upper)])
    }

    /// The key node indices of an object's members, sorted by key. A member's value is the node after its key.
    @inline(__always)
    func memberKeys(of object: JSONNode) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(rebasing: members[Int(object.lower)..<Int(object.lower) + object.count])
    }

    /// The key node index of the member of `object` named `name`, if it has one (binary search).
    func member(named name: UnsafeRawBufferPointer, in object: JSONNode) -> Int? {
        let keys = memberKeys(of: object)
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            let order = compareBytes(bytes(of: nodes[Int(keys[middle])]), name)
            if order == 0 { return Int(keys[middle]) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}

/// Compares two byte strings: negative, zero or positive as `a` sorts before, equal to or after `b`.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    var index = 0
    while index < common {
        let x = a[index]
        let y = b[index]
        if x != y { return Int(x) - Int(y) }
        index += 1
    }
    return a.count - b.count
}
