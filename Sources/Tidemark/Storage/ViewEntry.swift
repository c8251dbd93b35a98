/// The view's value for one record: where its latest version sits in the log, and its payload hash.
///
/// 29 bytes: sequence (8) · hash (16) · flags (1) · seen generation (4). Small on purpose: a re-sync reads one
/// view entry per record and, when nothing changed, touches nothing else.
struct ViewEntry: Equatable {
    /// The log position of the record's latest version.
    var sequence: UInt64
    /// Hash of the canonical payload (without the model's excluded fields).
    var hash: PayloadHash
    /// Whether the record is soft-deleted.
    var isDeleted: Bool
    /// Whether the payload was dropped by retention.
    var isPruned: Bool
    /// The deletion-window generation in which the record was last saved (0: none).
    var seenGeneration: UInt32

    static let size = 29

    init(sequence: UInt64, hash: PayloadHash, isDeleted: Bool, isPruned: Bool, seenGeneration: UInt32) {
        self.sequence = sequence
        self.hash = hash
        self.isDeleted = isDeleted
        self.isPruned = isPruned
        self.seenGeneration = seenGeneration
    }

    init(decoding buffer: UnsafeRawBufferPointer) throws(TidemarkError) {
        guard buffer.count == Self.size else { throw .corrupted("a view entry has \(buffer.count) bytes, not \(Self.size)") }
        var reader = ByteReader(buffer)
        sequence = try reader.read()
        hash = PayloadHash(bytes: try reader.readBytes(16))
        let flags: UInt8 = try reader.read()
        isDeleted = flags & 1 != 0
        isPruned = flags & 2 != 0
        seenGeneration = try reader.read()
    }

    func encode(into writer: inout ByteWriter) {
        writer.append(sequence)
        hash.write(to: &writer.bytes)
        writer.append(UInt8((isDeleted ? 1 : 0) | (isPruned ? 2 : 0)))
        writer.append(seenGeneration)
    }

    /// The view key: dataset id (4) followed by the record id's UTF-8 bytes.
    static func key(dataset: UInt32, recordID: String, into writer: inout ByteWriter) {
        writer.append(dataset)
        writer.append(recordID.utf8)
    }
}
