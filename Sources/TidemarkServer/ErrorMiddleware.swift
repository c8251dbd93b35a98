import Hummingbird
import Logging
import NIOCore
import Tidemark

/// Turns every error a route throws into the API's error body, `{"error": {"code", "message"}}`.
///
/// Engine errors go through ``APIError/init(_:)``; a body past the size limit is `413 body_too_large`; the
/// router's own errors (no such route, wrong method) keep their status. Anything else is a bug in the server:
/// it is logged and answered `500 internal_error` without details.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The largest request body, for the 413 message.
    let maximumBodySize: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = translate(error, request: request, context: context)
            return try JSONResponse.make(apiError.body, status: HTTPResponse.Status(code: apiError.status))
        }
    }

    private func translate(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as TidemarkError:
            let apiError = APIError(error)
            if apiError.status >= 500 { context.logger.error("\(request.method) \(request.uri.path): \(error)") }
            return apiError
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: maximumBodySize)
        case let error as HTTPError:
            return APIError(status: error.status.code, code: Self.code(for: error.status),
                            message: error.body ?? error.status.reasonPhrase)
        default:
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            return APIError(status: 500, code: "internal_error", message: "the server failed to answer this request; see its log")
        }
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "body_too_large"
        case .badRequest: "bad_request"
        default: "http_\(status.code)"
        }
    }
}
