import Tidemark

/// The answer to `POST /sync/{sync}/batch`: the record ids per outcome for each model, and the checkpoint the
/// batch wrote (`null` when it wrote none).
///
/// ```json
/// {"models": {"Contact": {"added": ["a"], "updated": [], "unchanged": [], "deleted": [], "non_unique": [], "unknown": []}},
///  "checkpoint": {"value": {"since": "2024-01-01"}, "version": 3}}
/// ```
struct BatchResponse: Encodable {
    /// Outcomes per model, keyed `Contact` or `Contact::eu`.
    var models: [String: Outcomes]
    /// The checkpoint after the batch, when it wrote one.
    var checkpoint: CheckpointValue?

    init(_ summary: BatchSummary) {
        models = summary.models.mapValues(Outcomes.init)
        checkpoint = summary.checkpoint.map(CheckpointValue.init)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(models, forKey: .models)
        try container.encode(checkpoint, forKey: .checkpoint)
    }

    private enum CodingKeys: String, CodingKey { case models, checkpoint }

    /// One model's ids per outcome.
    struct Outcomes: Encodable {
        let summary: ModelSummary

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary.added, forKey: .added)
            try container.encode(summary.updated, forKey: .updated)
            try container.encode(summary.unchanged, forKey: .unchanged)
            try container.encode(summary.deleted, forKey: .deleted)
            try container.encode(summary.nonUnique, forKey: .nonUnique)
            try container.encode(summary.unknown, forKey: .unknown)
        }

        private enum CodingKeys: String, CodingKey {
            case added, updated, unchanged, deleted, unknown
            case nonUnique = "non_unique"
        }
    }

    /// A checkpoint as `{"value": {...} or null, "version": n}`.
    struct CheckpointValue: Encodable {
        let checkpoint: Checkpoint

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(checkpoint.value, forKey: .value)
            try container.encode(checkpoint.version, forKey: .version)
        }

        private enum CodingKeys: String, CodingKey { case value, version }
    }
}
