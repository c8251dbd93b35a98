import ArgumentParser
import Foundation
import Logging
import Tidemark
import TidemarkServer

/// `tidemark serve`: the HTTP server on a store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store over HTTP (the platform-compatible records API, batches, checkpoints).",
        discussion: """
            Binds 127.0.0.1:3003 by default and prints the address once it listens. With a secret key (the \
            TIDEMARK_SECRET_KEY environment variable, or --secret-key-file) every request needs \
            'Authorization: Bearer <key>'. With --webhook-url, every finished run is POSTed there, signed with \
            HMAC-SHA256 of the body keyed by the webhook secret (TIDEMARK_WEBHOOK_SECRET, or \
            --webhook-secret-file). Stops gracefully on SIGINT or SIGTERM.
            """)

    @OptionGroup var store: StoreLocation

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 3003

    @Option(help: ArgumentHelp("A file holding the secret key (surrounding whitespace is ignored); overrides TIDEMARK_SECRET_KEY.", valueName: "path"))
    var secretKeyFile: String?

    @Option(help: ArgumentHelp("POST a report of every finished run to this URL.", valueName: "url"))
    var webhookURL: String?

    @Option(help: ArgumentHelp("A file holding the webhook signing secret; overrides TIDEMARK_WEBHOOK_SECRET.", valueName: "path"))
    var webhookSecretFile: String?

    @Option(help: "The largest request body, in bytes.")
    var maxBodySize = ServerConfiguration().maximumBodySize

    @OptionGroup var retention: RetentionOptions

    @Option(help: "Run retention (TTLs, purges) every this many seconds; 0 turns it off.")
    var maintenanceInterval = 3600

    @Option(help: "The log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        guard (0...65535).contains(port) else { throw ValidationError("the port must be between 0 and 65535") }
        guard maxBodySize > 0 else { throw ValidationError("--max-body-size must be positive") }
        guard maintenanceInterval >= 0 else { throw ValidationError("--maintenance-interval must not be negative") }
        if let webhookURL {
            guard let url = URL(string: webhookURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--webhook-url must be an http or https URL")
            }
        }
    }

    func run() async throws {
        try await CommandFailure.reporting {
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.maximumBodySize = maxBodySize
            configuration.secretKey = try secretKey()
            configuration.webhook = try webhook()
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var options = StoreOptions()
            options.retention = retention.policy
            options.maintenanceInterval = maintenanceInterval > 0 ? .seconds(maintenanceInterval) : nil
            let server = TidemarkHTTPServer(store: try store.open(options), configuration: configuration)
            let host = host
            try await server.run { port in
                let output = StandardOutput()
                output.line("listening on http://\(host):\(port)")
                output.flush()
            }
        }
    }

    private func secretKey() throws -> SecretKey? {
        try secret(file: secretKeyFile, environment: "TIDEMARK_SECRET_KEY").flatMap(SecretKey.init)
    }

    private func webhook() throws -> WebhookConfiguration? {
        guard let webhookURL, let url = URL(string: webhookURL) else { return nil }
        guard let secret = try secret(file: webhookSecretFile, environment: "TIDEMARK_WEBHOOK_SECRET") else {
            throw CommandFailure(message: "--webhook-url needs a signing secret: set TIDEMARK_WEBHOOK_SECRET or pass --webhook-secret-file", exitCode: 2)
        }
        return WebhookConfiguration(url: url, secret: secret)
    }

    /// The secret in `file` (which must not be empty), else in the environment variable; surrounding whitespace is
    /// not part of it.
    private func secret(file: String?, environment variable: String) throws -> String? {
        let text: String?
        if let file {
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CommandFailure(message: "cannot read the secret file '\(file)': \(error.localizedDescription)", exitCode: 2)
            }
        } else {
            text = ProcessInfo.processInfo.environment[variable]
        }
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let file, trimmed?.isEmpty != false {
            throw CommandFailure(message: "the secret file '\(file)' is empty", exitCode: 2)
        }
        return trimmed?.isEmpty == false ? trimmed : nil
    }
}
