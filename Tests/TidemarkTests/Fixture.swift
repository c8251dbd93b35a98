import Foundation
import Testing
@testable import Tidemark

/// A store in a fresh temporary directory with a manual clock; the directory is removed when released.
final class Fixture {
    let directory: String
    let clock: ManualClock
    private var current: Store?
    let options: StoreOptions

    init(configure: (inout StoreOptions) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-test-\(UUID().uuidString)").path
        clock = ManualClock()
        var options = StoreOptions()
        options.clock = clock
        options.durability = .relaxed
        configure(&options)
        self.options = options
        current = try Store(directory: directory, options: options)
    }

    /// The open store.
    var store: Store { current! }

    /// Closes the store and opens it again from disk.
    func reopen() throws {
        current = nil  // LMDB forbids opening one environment twice in a process: close first
        current = try Store(directory: directory, options: options)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

let acme = ConnectionKey(integrationID: "crm", connectionID: "acme")
let contact = ModelName("Contact")
let contacts = DatasetKey(connection: acme, model: contact)

/// JSON records from texts.
func records(_ texts: String...) -> JSONRecords { JSONRecords(texts) }

/// A batch of saves to `Contact` for `acme`.
func saveBatch(_ list: JSONRecords, model: ModelName = contact) -> Batch {
    var batch = Batch(connection: acme, sync: "contacts")
    batch.save(list, to: model)
    return batch
}

extension Store {
    /// Saves records to `Contact` and returns the model's summary.
    @discardableResult
    func save(_ texts: String..., model: ModelName = contact) async throws -> ModelSummary {
        let summary = try await write(saveBatch(JSONRecords(texts), model: model))
        return summary.models[model.description] ?? ModelSummary()
    }

    /// Every record of `dataset`, paging with `limit`.
    func all(_ dataset: DatasetKey = contacts, limit: Int = 100, query: RecordQuery = RecordQuery()) throws -> [StoredRecord] {
        var result: [StoredRecord] = []
        var query = query
        query.limit = limit
        while true {
            let page = try records(in: dataset, query)
            result += page.records
            guard let next = page.nextCursor else { return result }
            query.cursor = next
        }
    }
}
