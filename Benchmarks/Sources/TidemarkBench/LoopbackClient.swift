import Foundation

/// A blocking HTTP/1.1 client on one keep-alive connection to 127.0.0.1, as lean as a client can be, so that W3
/// over HTTP measures the server and the loopback rather than the client: GET only; each response is received
/// straight into one reusable buffer (grown by doubling, never zero-filled) and its body lent to the caller.
/// Bodies come with `Content-Length` or chunked encoding.
final class LoopbackClient {
    private let socket: Int32
    private var storage: UnsafeMutableRawPointer
    private var capacity = 1 << 20
    /// Bytes received into `storage`.
    private var filled = 0
    /// Bytes at the start of `storage` that belong to the previous response.
    private var consumed = 0

    /// Connects to `port` on 127.0.0.1.
    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
        storage = .allocate(byteCount: capacity, alignment: 16)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            storage.deallocate()
            throw BenchError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(socket)
        storage.deallocate()
    }

    /// Sends `GET target` with `headers` and calls `body` with the response body, valid only inside the call.
    /// Throws unless the status is 200.
    func get<R>(_ target: String, headers: [(String, String)], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8))
        // Move what followed the previous response (nothing, with one request at a time) to the front.
        storage.copyMemory(from: storage + consumed, byteCount: filled - consumed)
        filled -= consumed
        consumed = 0
        let headerEnd = try fill(untilFound: [13, 10, 13, 10], from: 0)
        let headText = String(decoding: bytes(0..<headerEnd), as: UTF8.self)
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
            return try body(bytes(start..<(start + contentLength)))
        }
        guard chunked else { throw BenchError("GET \(target): neither Content-Length nor chunked") }
        var decoded: [UInt8] = []
        while true {
            let lineEnd = try fill(untilFound: [13, 10], from: start)
            let sizeText = String(decoding: bytes(start..<lineEnd), as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw BenchError("bad chunk size '\(sizeText)'") }
            start = lineEnd + 2
            try fill(count: start + size + 2)
            decoded.append(contentsOf: bytes(start..<(start + size)))
            start += size + 2
            if size == 0 { break }
        }
        consumed = start
        return try decoded.withUnsafeBytes(body)
    }

    private func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + range.lowerBound, count: range.count)
    }

    private func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw BenchError("send failed: errno \(errno)") }
            sent += count
        }
    }

    /// Receives until at least `count` bytes are in `storage`.
    private func fill(count: Int) throws {
        while filled < count { try receive() }
    }

    /// Receives until `pattern` occurs at or after `from`, and returns where it starts.
    private func fill(untilFound pattern: [UInt8], from: Int) throws -> Int {
        var searchFrom = from
        while true {
            if filled >= searchFrom + pattern.count {
                let found = (searchFrom...(filled - pattern.count)).first { index in
                    memcmp(storage + index, pattern, pattern.count) == 0
                }
                if let found { return found }
                searchFrom = filled - pattern.count + 1
            }
            try receive()
        }
    }

    /// Receives what the socket has into the free space after `filled`, doubling `storage` when less than
    /// 64 KiB is free.
    private func receive() throws {
        if capacity - filled < 64 << 10 {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: 2 * capacity, alignment: 16)
            grown.copyMemory(from: storage, byteCount: filled)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let count = recv(socket, storage + filled, capacity - filled, 0)
        guard count > 0 else { throw BenchError("the server closed the connection (recv \(count), errno \(errno))") }
        filled += count
    }
}
