import HTTPTypes
import Hummingbird
import Tidemark

extension HTTPField.Name {
    /// The platform's connection header.
    static let connectionID = HTTPField.Name("Connection-Id")!
    /// The platform's integration header.
    static let providerConfigKey = HTTPField.Name("Provider-Config-Key")!
    /// The cursor a reconnecting server-sent-events client resumes from.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}

extension Request {
    /// The connection a connection-scoped endpoint acts for, from the `Connection-Id` and `Provider-Config-Key`
    /// headers; `400 invalid_headers` when either is missing or empty.
    func connection() throws(APIError) -> ConnectionKey {
        let connectionID = headers[.connectionID] ?? ""
        let integrationID = headers[.providerConfigKey] ?? ""
        let missing = [("Connection-Id", connectionID), ("Provider-Config-Key", integrationID)].filter { $0.1.isEmpty }.map(\.0)
        guard missing.isEmpty else {
            throw APIError(status: 400, code: "invalid_headers",
                           message: "missing \(missing.joined(separator: " and ")): this endpoint needs the Connection-Id and Provider-Config-Key headers")
        }
        return ConnectionKey(integrationID: integrationID, connectionID: connectionID)
    }
}
