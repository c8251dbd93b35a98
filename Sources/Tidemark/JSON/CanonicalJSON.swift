import Crypto

/// Turns record JSON into its canonical form, the bytes Tidemark stores and hashes.
///
/// # Canonical form (part of the on-disk format: changing it changes every stored hash)
/// - UTF-8, no insignificant whitespace.
/// - Object members sorted by the UTF-8 bytes of their *decoded* keys; a key that appears twice in one
///   object is rejected (`invalidJSON`, "duplicate key").
/// - Strings: every escape decoded (`\uXXXX` and surrogate pairs included; an unpaired surrogate or invalid
///   UTF-8 is rejected), then re-escaped with only `"`, `\` and the characters below U+0020 escaped: `\b`
///   `\f` `\n` `\r` `\t` in short form, the others as `\u00xx` in lower-case hex. `/` and non-ASCII stay as is.
/// - Numbers: an integer literal (no fraction, no exponent) keeps its digits, so big integers keep their
///   precision, except that `-0` becomes `0`. Any other literal is read as a Double, which must be finite:
///   if it is integral and below 2^53 in magnitude it is written as an integer (`1.0`, `1e0`, `10E-1` → `1`),
///   else as Swift's shortest round-trip `Double.description` (`1.5`, `1e+20`, `1.2345678901234568e+20`,
///   `9007199254740992.0` for 2^53).
/// - `true`, `false` and `null` as is; arrays keep their order.
/// - A record is an object with a top-level `id`, a string (non-empty, at most 255 UTF-8 bytes, no U+0000) or
///   a number; in the canonical form the id is always a string (`42` → `"42"`, `1.0` → `"1"`).
///
/// The payload hash is the first 16 bytes of the SHA-256 of the canonical form rendered without the
/// top-level members the model excludes from the hash (the stored form keeps them).
///
/// Reusable and not thread-safe: one per writer (it is not `Sendable`, and copies share its scratch storage).
/// It keeps its scratch buffers between calls, so in steady state a call allocates only swift-crypto's SHA-256
/// context, the returned id if it is longer than 15 bytes, and, rarely, the text of a number it re-spells.
struct CanonicalJSON {
    /// The record being canonicalized, or the patch of a merge.
    private var record = JSONTree()
    /// The stored payload a patch is merged into.
    private var base = JSONTree()
    /// Output ranges of the runs of consecutive top-level members that count toward the hash, when some
    /// fields are excluded.
    private var hashedRuns: [Range<Int>] = []

    init() {}

    /// Parses one record, a JSON object with an `id`, and writes its canonical form to `output` (replacing its
    /// contents). Returns the id and the hash of the canonical form without the `excludedFields`.
    mutating func canonicalizeRecord(
        _ bytes: UnsafeRawBufferPointer, excluding excludedFields: FieldSet, into output: inout [UInt8]
    ) throws(RecordProblem) -> (id: String, hash: PayloadHash) {
        try record.parse(bytes)
        var hashed = takeHashedRuns()
        defer { hashedRuns = hashed }
        return try record.withView(of: bytes) { (record) throws(RecordProblem) in
            try Self.writeRecord(record, over: nil, excluding: excludedFields, hashed: &hashed, to: &output)
        }
    }

    /// Deep-merges the partial record `patch` (JSON bytes of an object with an `id`) into `base`, a canonical
    /// payload this type produced: objects merge recursively, arrays and scalars are replaced (`null` sets the
    /// field to null), fields the patch lacks are kept. Writes the canonical result to `output` and returns the
    /// patch's id and the result's hash, as `canonicalizeRecord` does.
    ///
    /// A `base` that does not parse as an object is reported as `invalidJSON` with a reason starting
    /// "stored payload".
    mutating func merge(
        patch: UnsafeRawBufferPointer, into base: UnsafeRawBufferPointer, excluding excludedFields: FieldSet,
        output: inout [UInt8]
    ) throws(RecordProblem) -> (id: String, hash: PayloadHash) {
        try record.parse(patch)
        do {
            try self.base.parse(base)
        } catch {
            throw .invalidJSON(offset: 0, reason: "stored payload is not valid JSON (\(error))")
        }
        var hashed = takeHashedRuns()
        defer { hashedRuns = hashed }
        return try self.base.withView(of: base) { (base) throws(RecordProblem) in
            guard base.nodes[0].kind == .object else {
                throw .invalidJSON(offset: 0, reason: "stored payload is not a JSON object")
            }
            return try record.withView(of: patch) { (patch) throws(RecordProblem) in
                try Self.writeRecord(patch, over: base, excluding: excludedFields, hashed: &hashed, to: &output)
            }
        }
    }

    /// Parses a record for a delete, validating the JSON and the id as `canonicalizeRecord` does, and returns its
    /// id; its other fields are ignored.
    mutating func recordID(_ bytes: UnsafeRawBufferPointer) throws(RecordProblem) -> String {
        try record.parse(bytes)
        return try record.withView(of: bytes) { (record) throws(RecordProblem) in
            String(decoding: record.bytes(of: record.nodes[try Self.idKey(of: record) + 1]), as: UTF8.self)
        }
    }

    /// Moves the scratch array out of `self`, so closures over views can fill it without touching `self`.
    private mutating func takeHashedRuns() -> [Range<Int>] {
        var hashed: [Range<Int>] = []
        swap(&hashed, &hashedRuns)
        return hashed
    }

    /// Writes the record's root object, merged over `base`'s root if given, to `output`, and hashes it.
    private static func writeRecord(
        _ record: JSONView, over base: JSONView?, excluding excludedFields: FieldSet,
        hashed: inout [Range<Int>], to output: inout [UInt8]
    ) throws(RecordProblem) -> (id: String, hash: PayloadHash) {
        let idKey = try idKey(of: record)
        let id = record.bytes(of: record.nodes[idKey + 1])
        output.removeAll(keepingCapacity: true)
        hashed.removeAll(keepingCapacity: true)
        var excludedAny = false
        let maxCount = record.input.count + record.decoded.count + (base.map { $0.input.count + $0.decoded.count } ?? 0) + 2
        let payloadHash = output.append(atMost: maxCount) { output in
            output.append(UInt8(ascii: "{"))
            var join = if let base {
                MemberJoin(record, record.nodes[0], over: base, base.nodes[0])
            } else {
                MemberJoin(record, record.nodes[0])
            }
            while let (key, baseKey) = join.next() {
                if output.count > 1 { output.append(UInt8(ascii: ",")) }
                let start = output.count
                let name: UnsafeRawBufferPointer
                if let key {
                    let keyNode = record.nodes[key]
                    name = record.bytes(of: keyNode)
                    record.writeString(keyNode, to: &output)
                    output.append(UInt8(ascii: ":"))
                    if key == idKey {
                        JSONText.writeString(escaping: id, to: &output)
                    } else if let base, let baseKey {
                        record.writeValue(key + 1, mergedOver: base, baseKey + 1, to: &output)
                    } else {
                        record.writeValue(key + 1, to: &output)
                    }
                } else if let base, let baseKey {
                    name = base.bytes(of: base.nodes[baseKey])
                    base.writeMember(baseKey, to: &output)
                } else {
                    preconditionFailure("MemberJoin gave neither key")
                }
                if !excludedFields.isEmpty {
                    if excludedFields.contains(name) {
                        excludedAny = true
                    } else if let last = hashed.last, last.upperBound == start - 1 {
                        hashed[hashed.count - 1] = last.lowerBound..<output.count  // follows the previous kept member
                    } else {
                        hashed.append(start..<output.count)
                    }
                }
            }
            output.append(UInt8(ascii: "}"))
            return hash(of: output.written(from: 0), keeping: excludedAny ? hashed : nil)
        }
        return (String(decoding: id, as: UTF8.self), payloadHash)
    }

    /// Hashes `canonical`, or, given the ranges of the runs of top-level members to keep, the object made of
    /// them alone.
    private static func hash(of canonical: UnsafeRawBufferPointer, keeping kept: [Range<Int>]?) -> PayloadHash {
        var hasher = SHA256()
        if let kept {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: canonical[0..<1]))
            for (position, range) in kept.enumerated() {
                // Each run but the first follows a left-out member: a comma precedes it in `canonical`.
                let start = position > 0 ? range.lowerBound - 1 : range.lowerBound
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: canonical[start..<range.upperBound]))
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: canonical[(canonical.count - 1)...]))
        } else {
            hasher.update(bufferPointer: canonical)
        }
        return PayloadHash(hasher.finalize())
    }

    /// Checks that the root is an object with a valid `id` member; returns the id's key node index. The id's
    /// bytes are those of the next node: the decoded string, or the canonical number spelling.
    private static func idKey(of record: JSONView) throws(RecordProblem) -> Int {
        let root = record.nodes[0]
        guard root.kind == .object else { throw .notAnObject }
        let idName: StaticString = "id"
        let found = idName.withUTF8Buffer { record.member(named: UnsafeRawBufferPointer($0), in: root) }
        guard let key = found else { throw .missingID }
        let value = record.nodes[key + 1]
        guard value.kind == .string || value.kind == .number else { throw .idNotStringOrNumber }
        let id = record.bytes(of: value)
        guard !id.isEmpty else { throw .emptyID }
        guard id.count <= RecordProblem.maxIDByteCount else { throw .idTooLong(byteCount: id.count) }
        guard !id.contains(0) else { throw .idContainsNUL }
        return key
    }
}
