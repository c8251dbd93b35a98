import Foundation

/// A minimal HTTP/1.1 client over a plain socket to 127.0.0.1, for testing the server byte for byte: the request
/// goes out exactly as written (no header is added but `Host`, `Content-Length` and `Connection: close`), and the
/// response is read whole (chunked bodies decoded). Blocking socket calls run on threads of their own, never on the
/// cooperative pool or Dispatch's worker threads, which serve the requests, and time out after 10 s so a broken
/// server fails a test instead of hanging it.
package enum LoopbackHTTP {
    /// A response.
    package struct Response {
        package var status: Int
        package var headers: [(name: String, value: String)]
        package var body: [UInt8]

        /// The first header named `name`, any case.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as text.
        package var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as a JSON object.
        package var json: [String: Any] {
            get throws {
                guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                    throw LoopbackError("the body is not a JSON object: \(text)")
                }
                return object
            }
        }

        /// `error.code` of an error body.
        package var errorCode: String? {
            ((try? json)?["error"] as? [String: Any])?["code"] as? String
        }
    }

    /// Sends one request and reads the whole response.
    package static func send(port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> Response {
        let connection = try await LoopbackConnection.open(port: port)
        defer { connection.close() }
        try await connection.write(request(port: port, method, target, headers: headers, body: body, close: true))
        let raw = try await connection.readToEnd()
        return try parse(raw)
    }

    /// Sends one request with a JSON body.
    package static func send(port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], json: String) async throws -> Response {
        try await send(port: port, method, target, headers: headers + [("Content-Type", "application/json")], body: Array(json.utf8))
    }

    /// The bytes of a request.
    package static func request(port: Int, _ method: String, _ target: String, headers: [(String, String)], body: [UInt8]?, close: Bool) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        if close { head += "Connection: close\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// Parses a whole response.
    package static func parse(_ raw: [UInt8]) throws -> Response {
        guard let split = headEnd(raw) else { throw LoopbackError("no complete response head in \(raw.count) bytes") }
        var (status, headers) = try parseHead(Array(raw[..<split]))
        var body = Array(raw[(split + 4)...])
        if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = try dechunk(body)
            headers.removeAll { $0.name.lowercased() == "transfer-encoding" }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The index of the `\r\n\r\n` ending the head, if it arrived.
    package static func headEnd(_ raw: [UInt8]) -> Int? {
        guard raw.count >= 4 else { return nil }
        return (0...(raw.count - 4)).first { raw[$0] == 13 && raw[$0 + 1] == 10 && raw[$0 + 2] == 13 && raw[$0 + 3] == 10 }
    }

    /// The status and headers of a response head.
    package static func parseHead(_ head: [UInt8]) throws -> (Int, [(name: String, value: String)]) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw LoopbackError("bad status line \(lines[0])") }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (status, headers)
    }

    private static func dechunk(_ body: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = (index..<max(index, body.count - 1)).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }),
                  let size = Int(String(decoding: body[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { throw LoopbackError("bad chunk at \(index)") }
            if size == 0 { return out }
            out.append(contentsOf: body[(lineEnd + 2)..<(lineEnd + 2 + size)])
            index = lineEnd + 2 + size + 2
        }
    }
}

/// A failure of the loopback client.
package struct LoopbackError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// One TCP connection to 127.0.0.1, for requests whose response is read bit by bit (server-sent events).
package final class LoopbackConnection: @unchecked Sendable {
    private let socket: Int32
    private init(socket: Int32) { self.socket = socket }

    /// Connects to `127.0.0.1:port`.
    package static func open(port: Int) async throws -> LoopbackConnection {
        try await blocking {
            let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw LoopbackError("socket failed") }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else {
                Foundation.close(fd)
                throw LoopbackError("connect to 127.0.0.1:\(port) failed")
            }
            return LoopbackConnection(socket: fd)
        }
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8]) async throws {
        try await Self.blocking {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Foundation.send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw LoopbackError("send failed") }
                sent += count
            }
        }
    }

    /// Reads what is available, waiting for at least one byte; empty at the end of the stream.
    package func read() async throws -> [UInt8] {
        try await Self.blocking {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else { throw LoopbackError("recv failed or timed out (errno \(errno))") }
            return Array(buffer[..<count])
        }
    }

    /// Reads until the server closes the connection.
    package func readToEnd() async throws -> [UInt8] {
        var all: [UInt8] = []
        while true {
            let chunk = try await read()
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    /// Closes the connection.
    package func close() {
        Foundation.close(socket)
    }

    /// Runs `body` on a new thread, so that blocking in it never starves the threads that run the server.
    package static func blocking<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
