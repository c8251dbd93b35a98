import Tidemark

/// The body of `POST /sync/{sync}/batch`, read into a ``Batch`` in one pass:
///
/// ```json
/// {"run_id": "3", "variant": "eu",
///  "models": {"Contact": {"save": [{...}], "update": [{...}], "delete": [{"id": "a"}]}},
///  "checkpoint": {"set": {"since": "2024-01-01"}, "expected_version": 2}}
/// ```
///
/// Saved and updated records are handed to the engine as the exact bytes the client sent (``JSONSlicer``); the
/// engine parses and validates each once. Delete entries are objects with an `id` (a string, or an integer that
/// becomes its decimal string); their other fields are ignored. `checkpoint` is `{"set": {...}}` or
/// `{"clear": true}`, each with an optional `expected_version`. Unknown members are rejected, so a typo does not
/// silently write less than meant.
struct BatchRequest {
    /// The batch to write.
    var batch: Batch

    /// Reads `body` as a batch of `sync` for `connection`.
    init(body: UnsafeRawBufferPointer, connection: ConnectionKey, sync: String) throws(APIError) {
        let json = JSONSlicer(body)
        var models: Range<Int>?
        var checkpoint: Range<Int>?
        var variant: String?
        var runID: String?
        for (key, value) in try json.members(ofObjectIn: json.root()) {
            switch key {
            case "models": models = value
            case "checkpoint": checkpoint = value
            case "variant": variant = try Self.optionalString(value, of: json, name: key)
            case "run_id": runID = try Self.optionalString(value, of: json, name: key)
            default: throw .invalidBody("unknown member '\(key.prefix(80))'; a batch has models, checkpoint, variant and run_id")
            }
        }
        batch = Batch(connection: connection, sync: sync, syncVariant: variant, runID: runID)
        if let models {
            for (name, changes) in try json.members(ofObjectIn: models) {
                batch.changes.append(try Self.changes(in: changes, of: json, model: ModelName(name, variant: variant)))
            }
        }
        if let checkpoint {
            batch.checkpoint = try Self.checkpointWrite(in: checkpoint, of: json)
        }
    }

    private static func optionalString(_ range: Range<Int>, of json: JSONSlicer, name: String) throws(APIError) -> String? {
        switch json.kind(of: range) {
        case UInt8(ascii: "n"): return nil
        case UInt8(ascii: "\""): return try json.string(in: range)
        default: throw .invalidBody("'\(name)' must be a string")
        }
    }

    private static func changes(in range: Range<Int>, of json: JSONSlicer, model: ModelName) throws(APIError) -> ModelChanges {
        var changes = ModelChanges(model: model)
        do {
            for (operation, list) in try json.members(ofObjectIn: range) {
                switch operation {
                case "save": try json.forEachElement(ofArrayIn: list) { changes.saves.append(json.slice($0)) }
                case "update": try json.forEachElement(ofArrayIn: list) { changes.updates.append(json.slice($0)) }
                case "delete":
                    try json.forEachElement(ofArrayIn: list) { element in
                        changes.deletes.append(try deletedID(in: element, of: json, model: model, index: changes.deletes.count))
                    }
                default:
                    throw APIError.invalidBody("unknown operation '\(operation.prefix(80))' for model '\(model)'; use save, update or delete")
                }
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw .invalidBody("model '\(model)': \(error)")
        }
        return changes
    }

    private static func deletedID(in range: Range<Int>, of json: JSONSlicer, model: ModelName, index: Int) throws(APIError) -> String {
        func invalid(_ reason: String) -> APIError {
            APIError(status: 400, code: "invalid_record",
                     message: "record \(index) of the delete list for model '\(model)' is invalid: \(reason)")
        }
        guard json.kind(of: range) == UInt8(ascii: "{") else { throw invalid("it is not an object with an id") }
        guard let id = try json.members(ofObjectIn: range).first(where: { $0.key == "id" })?.value else {
            throw invalid("it has no id")
        }
        switch json.kind(of: id) {
        case UInt8(ascii: "\""):
            return try json.string(in: id)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = String(decoding: json.slice(id), as: UTF8.self)
            guard Int64(text) != nil else { throw invalid("a numeric id must be an integer, not \(text.prefix(40))") }
            return text
        default:
            throw invalid("the id must be a string or an integer")
        }
    }

    private static func checkpointWrite(in range: Range<Int>, of json: JSONSlicer) throws(APIError) -> CheckpointWrite {
        var value: [String: CheckpointField]?
        var clear = false
        var expected: Range<Int>?
        for (key, member) in try json.members(ofObjectIn: range) {
            switch key {
            case "set": value = try CheckpointJSON.value(in: member, of: json)
            case "clear": clear = try json.decode(Bool.self, in: member, what: "checkpoint.clear")
            case "expected_version": expected = member
            default: throw .invalidBody("unknown member '\(key.prefix(80))' of checkpoint; use set or clear, and expected_version")
            }
        }
        let expectedVersion = try CheckpointJSON.expectedVersion(in: expected, of: json)
        switch (value, clear) {
        case let (value?, false): return .set(value, expected: expectedVersion)
        case (nil, true): return .clear(expected: expectedVersion)
        default: throw .invalidBody("checkpoint takes exactly one of {\"set\": {...}} and {\"clear\": true}")
        }
    }
}
