/// How ``TidemarkHTTPServer`` listens and what it requires of requests.
public struct ServerConfiguration: Sendable {
    /// The address to bind; loopback by default, so the server is reachable from this machine only.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one (the server reports it when it is listening).
    public var port = 3003
    /// When set, every request needs `Authorization: Bearer <key>`.
    public var secretKey: SecretKey?
    /// The largest request body in bytes (default 64 MiB); larger bodies are answered 413.
    public var maximumBodySize = 64 << 20

    /// The defaults: 127.0.0.1:3003, no key, 64 MiB bodies.
    public init() {}
}
