import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Synchronization
import Tidemark

/// Sends run reports to the configured webhook in the background (``WebhookConfiguration``).
///
/// ``send(_:)`` only queues a report and returns at once, so a webhook never blocks or slows a request or a write.
/// ``run()`` delivers the queue in order: each ``WebhookPayload`` is POSTed with its HMAC-SHA256 signature and
/// retried with exponential backoff until it gets a 2xx or its attempts run out. Failures are logged and counted,
/// overall (``statistics``) and per sync (``statistics(of:)``), for `GET /health` and `GET /sync/status`.
public final class WebhookDispatcher: Sendable {
    /// What was delivered and what failed.
    public struct Statistics: Equatable, Sendable {
        /// Bodies accepted with a 2xx.
        public var delivered = 0
        /// Bodies given up after their last attempt, or dropped because the queue was full.
        public var failed = 0
        /// Reports queued or being sent.
        public var pending = 0
        /// The latest failure, if any.
        public var lastError: String?
    }

    let configuration: WebhookConfiguration
    private let logger: Logger
    private let queue: AsyncStream<RunReport>
    private let continuation: AsyncStream<RunReport>.Continuation
    private let counts = Mutex(Counts())

    private struct Counts {
        var all = Statistics()
        var bySync: [SyncKey: Statistics] = [:]
    }

    /// A dispatcher for `configuration`; nothing is sent until ``run()``.
    public init(configuration: WebhookConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        (queue, continuation) = AsyncStream.makeStream(of: RunReport.self, bufferingPolicy: .bufferingOldest(configuration.queueLimit))
    }

    /// Queues `report` for delivery and returns at once.
    public func send(_ report: RunReport) {
        counts.withLock { $0.all.pending += 1 }
        if case .dropped = continuation.yield(report) {
            let error = "the webhook queue is full (\(configuration.queueLimit) reports); run \(report.runID) of \(report.sync) was not sent"
            logger.error("\(error)")
            recordFailure(of: report.sync, error, pending: -1)
        }
    }

    /// Delivers queued reports until the task is cancelled.
    public func run() async {
        for await report in queue {
            if Task.isCancelled { return }
            for payload in WebhookPayload.payloads(for: report) {
                do {
                    try await deliver(JSONCoding.encode(payload), of: report)
                    counts.withLock {
                        $0.all.delivered += 1
                        $0.bySync[report.sync, default: Statistics()].delivered += 1
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("webhook for run \(report.runID) of \(report.sync) failed: \(error)")
                    recordFailure(of: report.sync, "\(error)", pending: 0)
                }
            }
            counts.withLock { $0.all.pending -= 1 }
        }
    }

    /// The overall statistics.
    public var statistics: Statistics {
        counts.withLock { $0.all }
    }

    /// The statistics of `sync`'s reports; `nil` when none was sent yet.
    public func statistics(of sync: SyncKey) -> Statistics? {
        counts.withLock { $0.bySync[sync] }
    }

    /// The hex-encoded HMAC-SHA256 of `body` with `secret`, as sent in ``WebhookConfiguration/signatureHeader``.
    public static func signature(of body: [UInt8], secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// POSTs `body` until it gets a 2xx, waiting longer between attempts; throws the last attempt's error.
    private func deliver(_ body: [UInt8], of report: RunReport) async throws {
        var request = URLRequest(url: configuration.url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = Double(configuration.timeout.components.seconds) + Double(configuration.timeout.components.attoseconds) / 1e18
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(Self.signature(of: body, secret: configuration.secret), forHTTPHeaderField: WebhookConfiguration.signatureHeader)
        var backoff = configuration.initialBackoff
        for attempt in 1...max(1, configuration.maximumAttempts) {
            let failure: String
            do {
                let (_, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return }
                failure = "the receiver answered \(status)"
            } catch {
                failure = error.localizedDescription
            }
            guard attempt < configuration.maximumAttempts else { throw WebhookFailure(description: "\(failure) (after \(attempt) attempts)") }
            logger.warning("webhook for run \(report.runID) of \(report.sync): \(failure); retrying in \(backoff)")
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, configuration.maximumBackoff)
        }
    }

    /// Counts a failed body of `sync`'s report; `pending` adjusts the pending reports (-1 for a dropped report).
    private func recordFailure(of sync: SyncKey, _ error: String, pending: Int) {
        counts.withLock {
            $0.all.failed += 1
            $0.all.pending += pending
            $0.all.lastError = error
            $0.bySync[sync, default: Statistics()].failed += 1
            $0.bySync[sync, default: Statistics()].lastError = error
        }
    }

    private struct WebhookFailure: Error, CustomStringConvertible {
        var description: String
    }
}
