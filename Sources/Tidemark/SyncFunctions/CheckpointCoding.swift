import Foundation

/// Converts a sync's `Codable` checkpoint to the store's flat fields and back (SPEC §2.4).
///
/// Strings, numbers and booleans map to fields; dates are written as ISO-8601 strings with milliseconds in UTC
/// and read back from them. A nested object, an array or a null field is rejected with
/// ``TidemarkError/invalidCheckpoint(field:reason:)`` naming the field.
enum CheckpointCoding {
    /// One top-level JSON value: a field, or something a checkpoint may not hold.
    private enum Probe: Decodable {
        case field(CheckpointField)
        case notFlat

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) { self = .field(.bool(value)) }
            else if let value = try? container.decode(Double.self) { self = .field(.number(value)) }
            else if let value = try? container.decode(String.self) { self = .field(.string(value)) }
            else { self = .notFlat }
        }
    }

    static func fields<Value: Encodable>(of value: Value) throws -> [String: CheckpointField] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            guard case .string(let text) = CheckpointField.date(date) else { return }
            try container.encode(text)
        }
        let probes: [String: Probe]
        do {
            probes = try JSONDecoder().decode([String: Probe].self, from: encoder.encode(value))
        } catch {
            throw TidemarkError.invalidCheckpoint(field: nil, reason: "a checkpoint must encode as a flat object (\(error))")
        }
        var fields: [String: CheckpointField] = [:]
        for (name, probe) in probes {
            guard case .field(let field) = probe else {
                throw TidemarkError.invalidCheckpoint(field: name, reason: "values must be strings, numbers, booleans or dates, not nested objects, arrays or null")
            }
            fields[name] = field
        }
        try Checkpoint.validate(fields)
        return fields
    }

    static func value<Value: Decodable>(_: Value.Type, from fields: [String: CheckpointField]) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let timestamp = Timestamp(iso8601: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an ISO-8601 date"))
            }
            return Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
        }
        return try decoder.decode(Value.self, from: JSONEncoder().encode(fields))
    }
}
