/// Writes bytes through a raw pointer into space reserved beforehand, so that writing JSON costs no
/// capacity growth and no copy-on-write checks. Writing past the reserved space traps.
struct ReservedWriter {
    private let start: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The number of bytes written so far.
    private(set) var count = 0

    fileprivate init(start: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        precondition(count < capacity, "ReservedWriter overflow")
        start[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= capacity - count, "ReservedWriter overflow")
        if let source = bytes.baseAddress {
            UnsafeMutableRawPointer(start + count).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// The bytes written from offset `lower` on.
    func written(from lower: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: start + lower, count: count - lower)
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes, at most `maxCount` bytes, through a `ReservedWriter`.
    mutating func append<Result, Failure: Error>(
        atMost maxCount: Int, _ body: (inout ReservedWriter) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        precondition(maxCount > 0, "nothing to write")
        let oldCount = count
        append(contentsOf: repeatElement(0, count: maxCount))
        var written = 0
        defer { removeLast(maxCount - written) }
        return try withUnsafeMutableBufferPointer { (buffer) throws(Failure) -> Result in
            var writer = ReservedWriter(start: buffer.baseAddress! + oldCount, capacity: maxCount)
            defer { written = writer.count }
            return try body(&writer)
        }
    }
}
