import LMDB

/// What ``Store/verify()`` found.
public struct VerificationReport: Equatable, Sendable {
    /// Log entries read.
    public var logEntries = 0
    /// View entries read.
    public var viewEntries = 0
    /// Datasets checked.
    public var datasets = 0
    /// Every difference found, at most ``maximumProblems``.
    public var problems: [String] = []

    /// The most problems listed.
    public static let maximumProblems = 100

    /// Whether the view, the counts and the log agree.
    public var isConsistent: Bool { problems.isEmpty }

    mutating func report(_ problem: String) {
        if problems.count < Self.maximumProblems { problems.append(problem) }
    }
}

extension Store {
    /// Rebuilds the view from the log and compares: every log entry must be the one its view entry points at,
    /// with the same hash and state; every view entry must point at a log entry; the counts of every dataset
    /// must equal the ones recomputed from the log. Runs in one read transaction (a consistent snapshot);
    /// memory does not grow with the data.
    public func verify() throws -> VerificationReport {
        try read { txn in
            var report = VerificationReport()
            let catalog = DatasetCatalog(layout: layout)
            var viewKey = ByteWriter(capacity: 300)
            for dataset in try catalog.all(in: txn) {
                report.datasets += 1
                var counts = DatasetCounts()
                var entries = 0
                try withLogKey(dataset: dataset.id, sequence: 0) { start in
                    try txn.withCursor(on: layout.log) { cursor in
                        var next = try cursor.seek(atLeast: start)
                        while let raw = next {
                            let position = try decodeLogKey(raw.key)
                            guard position.dataset == dataset.id else { break }
                            entries += 1
                            let entry = try LogEntry(decoding: raw.value)
                            if entry.action == .deleted { counts.deleted += 1 } else { counts.live += 1 }
                            counts.payloadBytes += Int64(entry.payload.count)
                            viewKey.bytes.removeAll(keepingCapacity: true)
                            ViewEntry.key(dataset: dataset.id, recordID: entry.id, into: &viewKey)
                            let view = try viewKey.bytes.withUnsafeBytes { key in
                                try txn.value(in: layout.view, forKey: key).map { value throws(TidemarkError) in try ViewEntry(decoding: value) }
                            }
                            let expected = ViewEntry(sequence: position.sequence, hash: entry.hash, isDeleted: entry.action == .deleted,
                                                     isPruned: entry.prunedAt != nil, seenGeneration: view?.seenGeneration ?? 0)
                            if view != expected {
                                report.report("\(dataset.key) record '\(entry.id)': the log has it at \(position.sequence), the view says \(view.map { "\($0)" } ?? "nothing")")
                            }
                            next = try cursor.next()
                        }
                    }
                }
                report.logEntries += entries
                let viewEntries = try countViewEntries(of: dataset.id, in: txn)
                report.viewEntries += viewEntries
                if viewEntries != entries {
                    report.report("\(dataset.key): \(entries) log entries but \(viewEntries) view entries")
                }
                if counts != dataset.counts {
                    report.report("\(dataset.key): counts are \(dataset.counts) but the log gives \(counts)")
                }
            }
            return report
        }
    }

    private func countViewEntries(of dataset: UInt32, in txn: borrowing Transaction) throws -> Int {
        try withUnsafeBytes(of: dataset.bigEndian) { start in
            try txn.withCursor(on: layout.view) { cursor in
                var count = 0
                var next = try cursor.seek(atLeast: start)
                while let raw = next, raw.key.count >= 4, raw.key.loadUnaligned(as: UInt32.self) == dataset.bigEndian {
                    count += 1
                    next = try cursor.next()
                }
                return count
            }
        }
    }
}
