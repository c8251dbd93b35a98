/// The rules every record id obeys (SPEC §2.5), for ids given as strings (deletes).
enum RecordID {
    /// The longest id, in UTF-8 bytes.
    static let maximumLength = 255

    static func validate(_ id: String) throws(RecordProblem) {
        let count = id.utf8.count
        if count == 0 { throw .emptyID }
        if count > maximumLength { throw .idTooLong(byteCount: count) }
        if id.utf8.contains(0) { throw .idContainsNUL }
    }
}
