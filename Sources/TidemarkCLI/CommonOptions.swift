import ArgumentParser
import Tidemark

/// `--data DIR`: the store a subcommand works on.
struct StoreLocation: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("The store's directory, created on first use.", valueName: "dir"))
    var directory = "./tidemark-data"

    /// Opens the store, with `options` when given.
    func open(_ options: StoreOptions = StoreOptions()) throws -> Store {
        try Store(directory: directory, options: options)
    }
}

/// `--payload-ttl-days`, `--full-record-ttl-days`: the retention policy of subcommands that apply it.
struct RetentionOptions: ParsableArguments {
    @Option(help: "Drop the payload of records not changed for this many days (0 turns it off).")
    var payloadTTLDays = 30

    @Option(help: "Delete datasets no sync has written for this many days (0 turns it off).")
    var fullRecordTTLDays = 60

    func validate() throws {
        guard payloadTTLDays >= 0, fullRecordTTLDays >= 0 else { throw ValidationError("TTLs must not be negative") }
    }

    /// The policy.
    var policy: RetentionPolicy {
        var policy = RetentionPolicy()
        policy.payloadTTL = .seconds(payloadTTLDays * 86_400)
        policy.fullRecordTTL = .seconds(fullRecordTTLDays * 86_400)
        return policy
    }
}

/// `--integration`, `--connection`: the connection a subcommand acts for.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The integration id (the platform's Provider-Config-Key).")
    var integration: String

    @Option(help: "The connection id.")
    var connection: String

    /// The connection key.
    var key: ConnectionKey { ConnectionKey(integrationID: integration, connectionID: connection) }
}

/// `--model`, `--variant` with the connection: the dataset a subcommand reads or writes.
struct DatasetOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The model, e.g. Contact.")
    var model: String

    @Option(help: "The model's variant; omitted or 'base' is the base model.")
    var variant: String?

    /// The dataset key.
    var key: DatasetKey { DatasetKey(connection: connection.key, model: ModelName(model, variant: variant)) }
}

/// `--sync`, `--sync-variant` with the connection: the sync a subcommand acts for.
struct SyncOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The sync's name, e.g. salesforce-contacts.")
    var sync: String

    @Option(name: .customLong("sync-variant"), help: "The sync's variant; omitted or 'base' is the base sync.")
    var syncVariant: String?

    /// The sync key.
    var key: SyncKey { SyncKey(connection: connection.key, name: sync, variant: syncVariant) }
}
