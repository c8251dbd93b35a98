/// A small set of top-level field names, prepared once per model: the fields left out of a record's hash.
///
/// Names are kept as sorted, unique UTF-8 byte arrays; testing a key against the empty set costs one check.
struct FieldSet: Hashable, Sendable {
    /// The names' UTF-8 bytes, sorted and unique.
    private let names: [[UInt8]]

    init(_ names: some Sequence<String>) {
        self.names = Set(names.map { Array($0.utf8) }).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// No fields: every field counts toward the hash.
    static let empty = FieldSet([String]())

    var isEmpty: Bool { names.isEmpty }

    /// Whether `key` (decoded UTF-8 bytes) is one of the names.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        for name in names where name.count == key.count {
            if name.withUnsafeBytes({ $0.elementsEqual(key) }) { return true }
        }
        return false
    }
}
