import Hummingbird
import NIOCore

extension Request {
    /// The whole body, at most `limit` bytes: `413 body_too_large` past it, told by `Content-Length` before any of
    /// the body is read when the client sends one.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
    }
}
