import Foundation

/// Where and how finished runs are reported by webhook (``WebhookDispatcher``).
public struct WebhookConfiguration: Sendable {
    /// The URL each report is POSTed to.
    public var url: URL
    /// The key of the HMAC-SHA256 signature of each body, sent hex-encoded in ``signatureHeader``.
    public var secret: String
    /// Attempts per delivery before it is given up (and counted as failed).
    public var maximumAttempts = 6
    /// The wait before the first retry; it doubles with each retry, up to ``maximumBackoff``.
    public var initialBackoff: Duration = .seconds(1)
    /// The longest wait between two attempts.
    public var maximumBackoff: Duration = .seconds(60)
    /// How long one attempt may take.
    public var timeout: Duration = .seconds(10)
    /// The most reports waiting to be sent; past it, new reports are dropped (and counted as failed).
    public var queueLimit = 10_000

    /// The header holding the signature.
    public static let signatureHeader = "X-Tidemark-Hmac-Sha256"

    /// Webhooks to `url`, signed with `secret`, with the default retries.
    public init(url: URL, secret: String) {
        self.url = url
        self.secret = secret
    }
}
