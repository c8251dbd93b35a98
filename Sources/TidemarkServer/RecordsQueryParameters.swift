import Hummingbird
import Tidemark

/// The query of `GET /records` (and of `GET /records/stream`, which takes no `limit`), as the platform's:
/// `model` (required), `variant`, `cursor`, `limit`, `filter`, `modified_after` (alias `delta`) and `ids`
/// (repeated `ids=a&ids=b`, or comma-separated). Range checks (limit, number of ids) are the engine's.
struct RecordsQueryParameters {
    /// The model and variant read.
    var model: ModelName
    /// The read's parameters.
    var query: RecordQuery

    init(_ request: Request, allowsLimit: Bool = true) throws(APIError) {
        let parameters = request.uri.queryParameters
        func value(_ name: Substring) -> String? { parameters[name].map(String.init) }
        guard let model = value("model"), !model.isEmpty else {
            throw .invalidQuery("the query parameter 'model' is required")
        }
        self.model = ModelName(model, variant: value("variant"))
        query = RecordQuery(cursor: value("cursor").flatMap { $0.isEmpty ? nil : $0 })
        if let limit = value("limit") {
            guard allowsLimit else { throw .invalidQuery("'limit' is not taken here") }
            guard let number = Int(limit) else { throw .invalidQuery("limit '\(limit.prefix(40))' is not an integer") }
            query.limit = number
        }
        if let filter = value("filter"), !filter.isEmpty {
            do { query.filter = try RecordQuery.parseFilter(filter) } catch { throw APIError(error) }
        }
        if let text = value("modified_after") ?? value("delta"), !text.isEmpty {
            guard let instant = Timestamp(iso8601: text) else {
                throw .invalidQuery("modified_after '\(text.prefix(60))' is not an ISO-8601 date or time")
            }
            query.modifiedAfter = instant
        }
        let ids = parameters[values: "ids"].flatMap { $0.split(separator: ",") }.map(String.init)
        if !ids.isEmpty { query.ids = ids }
    }
}
