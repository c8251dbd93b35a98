import Hummingbird
import NIOCore

/// Builds the API's responses: JSON bodies with `Content-Type: application/json`, or `204 No Content`.
enum JSONResponse {
    /// A response whose body is `value` as JSON.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        make(bytes: try JSONCoding.encode(value), status: status)
    }

    /// A response whose body is the JSON text `bytes`.
    static func make(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `204 No Content`.
    static var noContent: Response { Response(status: .noContent) }
}
