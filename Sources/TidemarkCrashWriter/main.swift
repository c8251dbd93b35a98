import Foundation
import Tidemark

/// `tidemark-crash-writer`: writes the ``CrashWorkload`` batch after batch into a store, appending each
/// acknowledged batch number to the ack file, until killed (or until `--batches`). On start it continues after
/// the batch the store's checkpoint names. The crash tests (Tests/TidemarkCrashTests) kill it with SIGKILL at
/// random moments and check the store it leaves.
func runWriter(_ arguments: WriterArguments) async throws {
    let ack = try AckLog(path: arguments.ack)
    if arguments.holdRead { try ReadHolder.hold(directory: arguments.store, ack: ack) }
    var options = StoreOptions()
    options.durability = arguments.relaxed ? .relaxed : .durable
    let store = try Store(directory: arguments.store, options: options)
    let connection = ConnectionKey(integrationID: "crash", connectionID: arguments.connection)
    let workload = CrashWorkload(connection: connection, sync: arguments.sync, prefix: arguments.prefix, records: arguments.records)
    let checkpoint = try store.checkpoint(of: SyncKey(connection: connection, name: arguments.sync))
    var version = checkpoint?.version
    var k = 1
    if case .number(let last)? = checkpoint?.value?["batch"] { k = Int(last) + 1 }
    while arguments.batches.map({ k <= $0 }) ?? true {
        let summary = try await store.write(workload.batch(k, after: version))
        version = summary.checkpoint?.version
        try ack.append(String(k))
        k += 1
    }
}

do {
    try await runWriter(WriterArguments(Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("tidemark-crash-writer: \(error)\n".utf8))
    exit(1)
}
