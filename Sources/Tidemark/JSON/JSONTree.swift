/// The kind of one JSON value.
enum JSONKind: UInt8 {
    case object, array, string, number, `true`, `false`, null
}

/// One value of a parsed JSON text, stored flat in preorder.
///
/// An object's node is followed by its members in input order, each a key node (a string) immediately
/// followed by its value's subtree; an array's node is followed by its elements' subtrees.
struct JSONNode {
    var kind: JSONKind
    /// Whether `lower..<upper` is a range of `JSONTree.decoded` rather than of the input.
    var isDecoded = false
    /// Strings: the bytes between the quotes (decoded if the input had escapes). Numbers: the canonical spelling.
    /// Objects: `lower` is the first slot of the sorted member list in the tree's members, `upper` the member
    /// count. Arrays: `upper` is the element count.
    var lower: UInt32 = 0
    var upper: UInt32 = 0
    /// The index of the first node after this node's subtree: its next sibling, if it has one.
    var next: UInt32 = 0

    var count: Int { Int(upper) }

    /// The bytes of a string (decoded, without quotes) or a number (canonical spelling).
    @inline(__always)
    func bytes(in input: UnsafeRawBufferPointer, decoded: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: (isDecoded ? decoded : input)[Int(lower)..<Int(upper)])
    }
}

/// A parsed JSON text: nodes plus the buffers they point into, reused from one parse to the next.
///
/// Invariants once `parse` returned: node 0 is the root; every object's members are listed in the members
/// buffer sorted by the bytes of their decoded keys, no two keys equal. Byte ranges that are not decoded point
/// into the input that was parsed, so a view needs that same input.
struct JSONTree {
    /// Scratch space sized for the input; replaced when an input does not fit, or is far smaller.
    private var storage = JSONStorage(inputCapacity: 4096)
    private var nodeCount = 0
    private var memberCount = 0
    /// Strings whose input had escapes, decoded, and numbers whose canonical spelling differs from the input.
    private var decoded: [UInt8] = []

    /// Parses `input` (see `JSONParser`), replacing the tree's contents.
    mutating func parse(_ input: UnsafeRawBufferPointer) throws(RecordProblem) {
        guard input.count < Int(UInt32.max) else {
            throw .invalidJSON(offset: 0, reason: "the text is larger than 4 GiB")
        }
        if input.count > storage.inputCapacity {
            storage = JSONStorage(inputCapacity: max(input.count, 2 * storage.inputCapacity))
        } else if storage.inputCapacity > 1 << 20, input.count < storage.inputCapacity / 8 {
            storage = JSONStorage(inputCapacity: max(input.count, 4096))
        }
        nodeCount = 0
        memberCount = 0
        decoded.removeAll(keepingCapacity: true)
        var parser = JSONParser(input: input, storage: storage, decoded: decoded)
        decoded = []
        defer { swap(&decoded, &parser.decoded) }
        try parser.parse()
        nodeCount = parser.nodeCount
        memberCount = parser.memberCount
    }

    /// Calls `body` with a read-only view of the tree over `input`, the bytes last given to `parse`.
    func withView<Result, Failure: Error>(
        of input: UnsafeRawBufferPointer, _ body: (JSONView) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let nodes = UnsafeBufferPointer(start: storage.nodes, count: nodeCount)
        let members = UnsafeBufferPointer(start: storage.members, count: memberCount)
        return try withExtendedLifetime(storage) { () throws(Failure) -> Result in
            try decoded.withUnsafeBufferPointer { (decoded) throws(Failure) -> Result in
                try body(JSONView(nodes: nodes, members: members, input: input, decoded: UnsafeRawBufferPointer(decoded)))
            }
        }
    }
}

/// Fixed-size scratch buffers for parsing an input of up to `inputCapacity` bytes. Every node starts at a
/// distinct input byte and every key takes at least two, which bounds the counts. Memory is allocated, not
/// initialized: only the part a parse uses is touched.
final class JSONStorage {
    let inputCapacity: Int
    /// Nodes in preorder: at most one per input byte, plus one.
    let nodes: UnsafeMutablePointer<JSONNode>
    /// Each object's key node indices, sorted by key; objects own consecutive slots.
    let members: UnsafeMutablePointer<UInt32>
    /// Parser scratch: the keys of the open objects' members, in input order.
    let pendingKeys: UnsafeMutablePointer<PendingKey>
    /// Parser scratch: the containers open at the current position, innermost last.
    let openContainers: UnsafeMutablePointer<UInt32>

    init(inputCapacity: Int) {
        self.inputCapacity = inputCapacity
        nodes = .allocate(capacity: inputCapacity + 1)
        members = .allocate(capacity: inputCapacity / 2 + 1)
        pendingKeys = .allocate(capacity: inputCapacity / 2 + 1)
        openContainers = .allocate(capacity: RecordProblem.maxDepth)
    }

    deinit {
        nodes.deallocate()
        members.deallocate()
        pendingKeys.deallocate()
        openContainers.deallocate()
    }
}

/// An object member waiting for its object to close, with the first eight bytes of its key (big-endian,
/// zero-padded) so that most comparisons while sorting are one integer comparison.
struct PendingKey {
    var prefix: UInt64
    var node: UInt32
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
        node.bytes(in: input, decoded: decoded)
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
