import Foundation
import TidemarkServer

/// A file of records to import: JSON lines (one object per line; blank lines are skipped) or one JSON array,
/// told apart by the first non-blank byte. The file is memory-mapped and read in place, so its size does not
/// become memory use.
final class RecordFile {
    /// The file's size in bytes.
    let size: Int
    private let base: UnsafeMutableRawPointer?
    private let json: JSONSlicer
    private var state: State

    private enum State {
        case lines(next: Int)
        case array(range: Range<Int>, previous: Range<Int>?)
        case finished
    }

    /// Maps the file at `path`.
    init(path: String) throws {
        let descriptor = Foundation.open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CommandFailure(message: "cannot open '\(path)': \(String(cString: strerror(errno)))", exitCode: 2)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CommandFailure(message: "cannot read '\(path)': \(String(cString: strerror(errno)))", exitCode: 2)
        }
        size = Int(status.st_size)
        if size > 0 {
            guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
                throw CommandFailure(message: "cannot map '\(path)': \(String(cString: strerror(errno)))", exitCode: 2)
            }
            base = mapped
        } else {
            base = nil
        }
        json = JSONSlicer(UnsafeRawBufferPointer(start: base, count: size))
        let bytes = json.bytes
        guard let first = bytes.firstIndex(where: { !Self.isBlank($0) }) else {
            state = .finished
            return
        }
        if bytes[first] == UInt8(ascii: "[") {
            state = .array(range: try json.root(), previous: nil)
        } else {
            state = .lines(next: first)
        }
    }

    deinit {
        if let base { munmap(base, size) }
    }

    /// The next record's JSON text and the offset where it ends; `nil` after the last. The text is valid while
    /// the file is.
    func next() throws -> (record: UnsafeRawBufferPointer, end: Int)? {
        let bytes = json.bytes
        switch state {
        case .finished:
            return nil
        case let .array(range, previous):
            let element = if let previous { try json.element(after: previous, inArrayIn: range) } else { try json.firstElement(ofArrayIn: range) }
            guard let element else {
                state = .finished
                return nil
            }
            state = .array(range: range, previous: element)
            return (json.slice(element), element.upperBound)
        case var .lines(start):
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                var last = end
                while last > start, Self.isBlank(bytes[last - 1]) { last -= 1 }
                if last > start {
                    state = .lines(next: end + 1)
                    return (json.slice(start..<last), end)
                }
                start = end + 1
            }
            state = .finished
            return nil
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}
