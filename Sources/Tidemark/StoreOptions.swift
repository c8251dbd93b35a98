import LMDB

/// How a ``Store`` is opened.
public struct StoreOptions: Sendable {
    /// `durable` (the default) flushes every commit before it returns; `relaxed` may lose the last commits on a
    /// power cut, never corrupts, and never splits a batch from its checkpoint.
    public var durability: Durability = .durable
    /// The LMDB map size to start with; the map grows by itself.
    public var initialMapSize: Int = 64 << 20
    /// The map never grows past this; a write that needs more fails with `MDB_MAP_FULL` and writes nothing.
    public var maximumMapSize: Int = 1 << 40
    /// The largest record accepted, in bytes of JSON text (default 1 MiB).
    public var maximumRecordSize: Int = 1 << 20
    /// Top-level fields left out of the payload hash, per model name (e.g. `["Contact": ["fetched_at"]]`), so that
    /// fields that change on every fetch do not count as updates. They are still stored.
    public var hashExclusions: [String: [String]] = [:] {
        didSet { excludedFieldSets = hashExclusions.mapValues(FieldSet.init) }
    }
    /// The clock for every timestamp the engine writes.
    public var clock: any StoreClock = SystemClock()
    /// The most batches merged into one transaction and one flush by group commit.
    public var maximumGroupSize: Int = 64
    /// How often a caught-up live tail (``Store/changes(in:after:pageSize:)``) checks whether another process
    /// committed; commits of this process wake it at once.
    public var tailCheckInterval: Duration = .milliseconds(500)
    /// Payload TTL, full-record TTL and the size of retention's transactions (SPEC §5).
    public var retention = RetentionPolicy()
    /// When set, the store runs ``Store/runMaintenance()`` in the background this often, until it closes;
    /// `nil` (the default) leaves maintenance to the caller.
    public var maintenanceInterval: Duration?

    private var excludedFieldSets: [String: FieldSet] = [:]

    /// Default options: durable, 64 MiB initial map, 1 MiB records, the system clock.
    public init() {}

    func excludedFields(of model: String) -> FieldSet {
        excludedFieldSets[model] ?? .empty
    }

    var environmentOptions: EnvironmentOptions {
        var options = EnvironmentOptions()
        options.initialMapSize = initialMapSize
        options.maximumMapSize = maximumMapSize
        options.durability = durability
        return options
    }
}
