import Foundation

/// Standard output, buffered, for data (JSON lines can be millions of lines); flushed by ``flush()`` and when the
/// buffer fills. Subcommands write all of their standard output through one of these, so lines never interleave
/// out of order.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private static let capacity = 1 << 16

    init() { buffer.reserveCapacity(Self.capacity) }

    /// Writes `bytes` and a newline.
    func line(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.capacity { flush() }
    }

    /// Writes `text` and a newline.
    func line(_ text: String) {
        line(text.utf8)
    }

    /// Writes out what is buffered.
    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

/// Standard error, for messages and progress; unbuffered.
enum StandardError {
    /// Writes `text` as is.
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes `text` and a newline.
    static func line(_ text: String) {
        write(text + "\n")
    }

    /// Whether standard error is a terminal (progress bars then, plain lines otherwise).
    static var isTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }
}
