import Foundation

/// The side channel of acknowledged batches: a file the writer appends one line to after each
/// `Store.write` returns, and fsyncs before it writes the next batch, so that the harness knows which batches
/// the store promised to keep.
final class AckLog {
    private let handle: FileHandle

    /// Opens `path` for appending, creating it if needed.
    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw WriterFailure("cannot create the ack file '\(path)'")
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    deinit {
        try? handle.close()
    }

    /// Appends `line` and a newline, and flushes the file to disk.
    func append(_ line: String) throws {
        try handle.write(contentsOf: Array((line + "\n").utf8))
        try handle.synchronize()
    }
}
