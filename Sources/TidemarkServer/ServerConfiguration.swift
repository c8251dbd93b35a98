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
    /// How often `GET /records/stream` sends a comment to keep an idle stream open (default 15 s).
    public var streamHeartbeat: Duration = .seconds(15)
    /// Where finished runs are reported; `nil` (the default) sends no webhooks.
    public var webhook: WebhookConfiguration?

    /// The defaults: 127.0.0.1:3003, no key, 64 MiB bodies, no webhooks.
    public init() {}
}
