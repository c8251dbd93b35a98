import Foundation

/// A blocking HTTP/1.1 client on one keep-alive connection to 127.0.0.1, as lean as a client can be, so that W3
/// over HTTP measures the server and the loopback rather than the client: GET only, bodies read whole with
/// `Content-Length` or chunked encoding into one reusable buffer.
final class LoopbackClient {
    private let socket: Int32
    private var buffer: [UInt8] = []
    /// Bytes at the start of `buffer` that belong to the previous response.
    private var consumed = 0

    /// Connects to `port` on 127.0.0.1.
    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw BenchError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    /// Sends `GET target` with `headers` and calls `body` with the response body, valid only inside the call.
    /// Throws unless the status is 200.
    func get<R>(_ target: String, headers: [(String, String)], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8))
        buffer.removeFirst(consumed)
        consumed = 0
        let headerEnd = try fill(untilFound: [13, 10, 13, 10], from: 0)
        let headText = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        let lines = headText.split(separator: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first, status == "200" else {
            throw BenchError("GET \(target): \(lines.first ?? "no status line")")
        }
        var contentLength: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.count == 2 else { continue }
            if parts[0] == "content-length" { contentLength = Int(parts[1]) }
            if parts[0] == "transfer-encoding", parts[1].contains("chunked") { chunked = true }
        }
        var start = headerEnd + 4
        if let contentLength {
            try fill(count: start + contentLength)
            consumed = start + contentLength
            return try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + contentLength)])) }
        }
        guard chunked else { throw BenchError("GET \(target): neither Content-Length nor chunked") }
        var decoded: [UInt8] = []
        while true {
            let lineEnd = try fill(untilFound: [13, 10], from: start)
            let sizeText = String(decoding: buffer[start..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw BenchError("bad chunk size '\(sizeText)'") }
            start = lineEnd + 2
            try fill(count: start + size + 2)
            decoded.append(contentsOf: buffer[start..<(start + size)])
            start += size + 2
            if size == 0 { break }
        }
        consumed = start
        return try decoded.withUnsafeBytes(body)
    }

    private func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw BenchError("send failed: errno \(errno)") }
            sent += count
        }
    }

    /// Reads until `buffer` holds at least `count` bytes.
    private func fill(count: Int) throws {
        while buffer.count < count {
            try receive()
        }
    }

    /// Reads until `pattern` occurs at or after `from`, and returns where it starts.
    private func fill(untilFound pattern: [UInt8], from: Int) throws -> Int {
        var searchFrom = from
        while true {
            if buffer.count >= searchFrom + pattern.count {
                for index in searchFrom...(buffer.count - pattern.count) where buffer[index] == pattern[0] {
                    if buffer[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
                }
                searchFrom = buffer.count - pattern.count + 1
            }
            try receive()
        }
    }

    private func receive() throws {
        let chunk = 256 << 10
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + old, chunk, 0) }
        buffer.removeLast(chunk - max(count, 0))
        guard count > 0 else { throw BenchError("the server closed the connection (recv \(count), errno \(errno))") }
    }
}
