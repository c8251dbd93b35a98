import Hummingbird

/// Requires `Authorization: Bearer <key>` on every request when the server has a secret key; `401 unauthorized`
/// otherwise. The key is compared in constant time (``SecretKey/matches(_:)``).
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The key every request must present.
    let key: SecretKey

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(status: 401, code: "unauthorized", message: "this server needs an 'Authorization: Bearer <secret key>' header")
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix,
              key.matches(String(header.dropFirst(prefix.count)))
        else {
            throw APIError(status: 401, code: "unauthorized", message: "the bearer token does not match the server's secret key")
        }
        return try await next(request, context)
    }
}
