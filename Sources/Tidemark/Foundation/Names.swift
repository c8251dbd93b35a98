/// One tenant: a connection (the end customer's account at the external API) under an integration id
/// (the platform's `Provider-Config-Key`).
public struct ConnectionKey: Hashable, Sendable, CustomStringConvertible {
    /// The integration id, at most 100 UTF-8 bytes.
    public var integrationID: String
    /// The connection id, at most 100 UTF-8 bytes.
    public var connectionID: String

    /// Creates a connection key.
    public init(integrationID: String, connectionID: String) {
        self.integrationID = integrationID
        self.connectionID = connectionID
    }

    public var description: String { "\(integrationID)/\(connectionID)" }

    func validate() throws(TidemarkError) {
        try Names.validate(integrationID, kind: "integration id", limit: 100)
        try Names.validate(connectionID, kind: "connection id", limit: 100)
    }
}

/// A record type, optionally with a variant: `Contact`, or `Contact` with variant `eu` (written `Contact::eu`).
public struct ModelName: Hashable, Sendable, CustomStringConvertible {
    /// The model, 1–255 UTF-8 bytes.
    public var name: String
    /// The variant, at most 50 UTF-8 bytes; `nil` (or `base`) is the base model.
    public var variant: String?

    /// Creates a model name; a variant of `base` is the base model, as on the platform.
    public init(_ name: String, variant: String? = nil) {
        self.name = name
        self.variant = (variant == "base" || variant == "") ? nil : variant
    }

    /// `Contact` or `Contact::eu`.
    public var description: String { variant.map { "\(name)::\($0)" } ?? name }

    func validate() throws(TidemarkError) {
        try Names.validate(name, kind: "model name", limit: 255)
        if let variant { try Names.validate(variant, kind: "variant", limit: 50) }
    }
}

/// A dataset: the records of one model for one connection; the unit of reads, counts and TTLs.
public struct DatasetKey: Hashable, Sendable, CustomStringConvertible {
    /// The connection the records belong to.
    public var connection: ConnectionKey
    /// The model (and variant).
    public var model: ModelName

    /// Creates a dataset key.
    public init(connection: ConnectionKey, model: ModelName) {
        self.connection = connection
        self.model = model
    }

    public var description: String { "\(connection)/\(model)" }

    /// The catalog key: `integration NUL connection NUL model[::variant]`, at most 509 bytes.
    var catalogKey: [UInt8] {
        Array(connection.integrationID.utf8) + [0] + Array(connection.connectionID.utf8) + [0] + Array(model.description.utf8)
    }

    func validate() throws(TidemarkError) {
        try connection.validate()
        try model.validate()
    }
}

/// A named sync of a connection (for example `salesforce-contacts`), optionally with a variant.
public struct SyncKey: Hashable, Sendable, CustomStringConvertible {
    /// The connection the sync writes for.
    public var connection: ConnectionKey
    /// The sync's name, 1–255 UTF-8 bytes.
    public var name: String
    /// The sync variant, at most 50 UTF-8 bytes; `nil` (or `base`) is the base sync.
    public var variant: String?

    /// Creates a sync key; a variant of `base` is the base sync.
    public init(connection: ConnectionKey, name: String, variant: String? = nil) {
        self.connection = connection
        self.name = name
        self.variant = (variant == "base" || variant == "") ? nil : variant
    }

    public var description: String { "\(connection)/\(name)\(variant.map { "::\($0)" } ?? "")" }

    /// The key of this sync's rows: `integration NUL connection NUL sync NUL variant`.
    var storageKey: [UInt8] {
        Array(connection.integrationID.utf8) + [0] + Array(connection.connectionID.utf8) + [0]
            + Array(name.utf8) + [0] + Array((variant ?? "").utf8)
    }

    func validate() throws(TidemarkError) {
        try connection.validate()
        try Names.validate(name, kind: "sync name", limit: 255)
        if let variant { try Names.validate(variant, kind: "sync variant", limit: 50) }
    }
}

enum Names {
    /// Names are 1…`limit` UTF-8 bytes without NUL (NUL separates them inside keys).
    static func validate(_ name: String, kind: String, limit: Int) throws(TidemarkError) {
        let count = name.utf8.count
        if count == 0 { throw .invalidName(kind: kind, name: name, reason: "it is empty") }
        if count > limit { throw .invalidName(kind: kind, name: name, reason: "it is \(count) bytes; the limit is \(limit)") }
        if name.utf8.contains(0) { throw .invalidName(kind: kind, name: name, reason: "it contains a NUL character") }
    }
}
