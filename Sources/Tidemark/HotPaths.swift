/// Entry points to internal hot paths, for the micro benchmarks in `Benchmarks/` only: SPI, not part of the
/// public API (`@_spi(Benchmarking) import Tidemark`). Each returns a value derived from its work so that the
/// optimizer cannot drop it.
@_spi(Benchmarking)
public struct HotPaths {
    private var canonical = CanonicalJSON()
    private var output: [UInt8] = []
    private var writer = ByteWriter(capacity: ViewEntry.size)

    /// Fresh scratch state.
    public init() {}

    /// The canonical form and payload hash of one record, as a save computes them; returns the canonical size.
    public mutating func canonicalizeAndHash(_ json: [UInt8]) throws -> Int {
        _ = try json.withUnsafeBytes { try canonical.canonicalizeRecord($0, excluding: FieldSet([]), into: &output) }
        return output.count
    }

    /// Encodes a stream cursor and parses it back; returns its sequence.
    public func cursorRoundTrip(dataset: UInt32, sequence: UInt64) throws -> UInt64 {
        try StreamCursor(parsing: StreamCursor(dataset: dataset, sequence: sequence).encoded).sequence
    }

    /// Encodes a view entry and decodes it back; returns its sequence.
    public mutating func viewEntryRoundTrip(sequence: UInt64) throws -> UInt64 {
        writer.bytes.removeAll(keepingCapacity: true)
        ViewEntry(sequence: sequence, hash: PayloadHash(high: sequence, low: ~sequence), isDeleted: false, isPruned: false,
                  seenGeneration: 1).encode(into: &writer)
        return try writer.bytes.withUnsafeBytes { try ViewEntry(decoding: $0).sequence }
    }
}
