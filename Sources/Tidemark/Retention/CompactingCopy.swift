import Foundation

extension Store {
    /// Writes a copy of the live store into `directory` (created if needed; it must not hold a store yet), as a
    /// backup or to give disk space back. With `compacting` (the default) the copy leaves out free pages and
    /// renumbers the rest (LMDB's `mdb_env_copy2` with `MDB_CP_COMPACT`), so after heavy updates or deletes it is
    /// smaller than the original; open it in place of the original to reclaim the space.
    ///
    /// The copy is one read transaction's snapshot: batches committed meanwhile go on and are not in it. It blocks
    /// the calling thread for as long as the copy takes; run it on a thread of its own for a large store.
    public func copy(to directory: String, compacting: Bool = true) throws {
        let dataFile = (directory as NSString).appendingPathComponent("data.mdb")
        guard !FileManager.default.fileExists(atPath: dataFile) else {
            throw TidemarkError.invalidRequest("'\(directory)' already holds a store; copy into a new or empty directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TidemarkError.invalidRequest("cannot create the copy's directory '\(directory)': \(error.localizedDescription)")
        }
        try TidemarkError.wrapping { try environment.copy(to: directory, compacting: compacting) }
    }
}
