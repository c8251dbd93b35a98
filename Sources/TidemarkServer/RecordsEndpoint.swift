import Hummingbird
import Tidemark

/// `GET /records` and `GET /records/` (the router ignores a trailing slash): one page of a dataset's change stream,
/// exactly as the platform answers it, `{"records": [...], "next_cursor": ...}`, rendered by
/// `Store.recordsJSON(in:_:)` straight from the stored entries.
struct RecordsEndpoint {
    let store: Store

    func register(on router: Router<BasicRequestContext>) {
        router.get("records", use: page)
    }

    @Sendable func page(_ request: Request, context: BasicRequestContext) throws -> Response {
        let connection = try request.connection()
        let parameters = try RecordsQueryParameters(request)
        let page = try store.recordsJSON(in: DatasetKey(connection: connection, model: parameters.model), parameters.query)
        return JSONResponse.make(bytes: page.body)
    }
}
