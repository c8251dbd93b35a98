import Foundation

/// The command line of `tidemark-crash-writer`.
///
/// ```
/// tidemark-crash-writer --store DIR --ack FILE [--relaxed] [--connection ID] [--sync NAME] [--prefix P]
///                       [--records N] [--batches LIMIT] [--hold-read]
/// ```
struct WriterArguments {
    /// The store's directory.
    var store = ""
    /// The file every acknowledged batch number is appended to, one per line, fsynced.
    var ack = ""
    /// Opens the store with ``Durability/relaxed`` instead of durable commits.
    var relaxed = false
    /// The connection id (integration `crash`) the batches are written to.
    var connection = "c"
    /// The sync whose checkpoint each batch sets.
    var sync = "crash"
    /// The prefix of the record ids, so that several writers can share one dataset.
    var prefix = "r"
    /// How many new records each batch saves.
    var records = 5
    /// Stop after this batch number; `nil` runs until killed.
    var batches: Int?
    /// Instead of writing, open a read transaction, append `ready` to the ack file and hold it until killed.
    var holdRead = false

    /// Parses `arguments` (without the program name); throws a message naming the first bad argument.
    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(of flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw WriterFailure("\(flag) needs a value") }
            return next
        }
        func number(of flag: String) throws -> Int {
            let text = try value(of: flag)
            guard let number = Int(text), number > 0 else { throw WriterFailure("\(flag) needs a positive number, not '\(text)'") }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--store": store = try value(of: flag)
            case "--ack": ack = try value(of: flag)
            case "--relaxed": relaxed = true
            case "--connection": connection = try value(of: flag)
            case "--sync": sync = try value(of: flag)
            case "--prefix": prefix = try value(of: flag)
            case "--records": records = try number(of: flag)
            case "--batches": batches = try number(of: flag)
            case "--hold-read": holdRead = true
            default: throw WriterFailure("unknown argument '\(flag)'")
            }
        }
        if store.isEmpty || ack.isEmpty { throw WriterFailure("--store and --ack are required") }
        if records < 2 { throw WriterFailure("--records must be at least 2") }
    }
}

/// A fatal error of the writer, reported on standard error.
struct WriterFailure: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String

    init(_ description: String) { self.description = description }
}
