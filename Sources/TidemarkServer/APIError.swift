import Tidemark

/// An error as the HTTP API answers it: `{"error": {"code": "...", "message": "..."}}` with an HTTP status.
///
/// Bad input is always a 4xx; only a damaged store or a failing disk is a 5xx. ``init(_:)`` is the one place that
/// maps every ``TidemarkError`` to its code and status; the command line uses the same mapping for its exit codes.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// A stable, machine-readable code such as `invalid_headers` or `checkpoint_conflict`.
    public var code: String
    /// What went wrong and what to do about it, for a person.
    public var message: String

    /// An error with the given status, code and message.
    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The API error for an engine error.
    public init(_ error: TidemarkError) {
        let message = error.description
        switch error {
        case .invalidRecord: self.init(status: 400, code: "invalid_record", message: message)
        case .recordTooLarge: self.init(status: 413, code: "record_too_large", message: message)
        case .invalidName: self.init(status: 400, code: "invalid_name", message: message)
        case .invalidCheckpoint: self.init(status: 400, code: "invalid_checkpoint", message: message)
        case .checkpointConflict: self.init(status: 409, code: "checkpoint_conflict", message: message)
        case .invalidQuery: self.init(status: 400, code: "invalid_query", message: message)
        case .malformedCursor: self.init(status: 400, code: "invalid_cursor", message: message)
        case .cursorFromAnotherDataset: self.init(status: 400, code: "cursor_from_another_dataset", message: message)
        case .cursorBeforeEmpty: self.init(status: 400, code: "cursor_before_empty", message: message)
        case .invalidRequest: self.init(status: 400, code: "invalid_request", message: message)
        case .runNotActive: self.init(status: 404, code: "run_not_found", message: message)
        case .noDeletionWindow: self.init(status: 400, code: "no_delete_window", message: message)
        case .corrupted: self.init(status: 500, code: "store_damaged", message: message)
        case .storage: self.init(status: 500, code: "storage_error", message: message)
        }
    }

    /// `400 invalid_body`: the request body is not the JSON the endpoint takes.
    static func invalidBody(_ reason: String) -> APIError {
        APIError(status: 400, code: "invalid_body", message: "invalid request body: \(reason)")
    }

    /// `400 invalid_query`: a query parameter is missing or malformed.
    static func invalidQuery(_ reason: String) -> APIError {
        APIError(status: 400, code: "invalid_query", message: "invalid query: \(reason)")
    }

    /// `413 body_too_large`: the request body is past the server's limit.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: 413, code: "body_too_large",
                 message: "the request body is larger than the server's limit of \(limit) bytes; send smaller batches")
    }

    /// `409 checkpoint_conflict` for an `expected_version` that is neither absent, `null` nor an integer.
    static func unusableExpectedVersion(_ text: String) -> APIError {
        APIError(status: 409, code: "checkpoint_conflict",
                 message: "expected_version must be absent, null or a non-negative integer, not \(text.prefix(80)); nothing was written")
    }

    public var description: String { "\(message) (\(code))" }

    /// The response body.
    var body: [String: [String: String]] { ["error": ["code": code, "message": message]] }
}
