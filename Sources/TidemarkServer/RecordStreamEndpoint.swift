import Hummingbird
import NIOCore
import Tidemark

/// `GET /records/stream`: a dataset's change stream as server-sent events, following new commits (SPEC §3.3).
///
/// Takes the query of `GET /records` without `limit`. Each page of changes is one event:
///
/// ```text
/// id: <cursor of the page's last record>
/// event: records
/// data: {"records": [...], "next_cursor": "<cursor of the page's last record>"}
/// ```
///
/// Records the query's `filter`, `modified_after` or `ids` do not admit are left out, and a page left empty is
/// not sent. A reconnecting client resumes with `Last-Event-ID` (or `cursor`). A comment line is sent every
/// ``ServerConfiguration/streamHeartbeat`` so that idle connections stay open and a gone client is noticed. Errors
/// before the stream starts (headers, query, cursor) are ordinary JSON errors; one while streaming (the dataset
/// was emptied) is sent as an `error` event with the usual error body, and ends the stream.
struct RecordStreamEndpoint {
    let store: Store
    let heartbeat: Duration

    func register(on router: Router<BasicRequestContext>) {
        router.get("records/stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: BasicRequestContext) throws -> Response {
        let connection = try request.connection()
        let parameters = try RecordsQueryParameters(request, allowsLimit: false)
        let dataset = DatasetKey(connection: connection, model: parameters.model)
        var query = parameters.query
        if let lastEventID = request.headers[.lastEventID], !lastEventID.isEmpty { query.cursor = lastEventID }
        query.limit = 1
        _ = try store.records(in: dataset, query)  // rejects a bad cursor, name or filter before the stream starts
        let feed = store.changes(in: dataset, after: query.cursor)
        let filter = StreamFilter(query)
        let heartbeat = heartbeat
        let body = ResponseBody { writer in
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (events, continuation) = AsyncStream.makeStream(of: Event.self)
                group.addTask {
                    do throws(TidemarkError) {
                        for try await page in feed { continuation.yield(.page(page)) }
                    } catch {
                        continuation.yield(.failure(APIError(error)))
                    }
                    continuation.finish()
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: heartbeat)
                        continuation.yield(.heartbeat)
                    }
                }
                for await event in events {
                    switch event {
                    case .page(var page):
                        guard let last = page.records.last?.metadata.cursor else { continue }
                        page.records.removeAll { !filter.admits($0) }
                        guard !page.records.isEmpty else { continue }
                        page.nextCursor = last
                        try await writer.write(ByteBuffer(bytes: Array("id: \(last)\nevent: records\ndata: ".utf8) + page.json + Array("\n\n".utf8)))
                    case .heartbeat:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .failure(let error):
                        try await writer.write(ByteBuffer(bytes: Array("event: error\ndata: ".utf8) + (try JSONCoding.encode(error.body)) + Array("\n\n".utf8)))
                    }
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private enum Event: Sendable {
        case page(RecordPage)
        case heartbeat
        case failure(APIError)
    }
}
