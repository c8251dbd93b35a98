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
            'Authorization: Bearer <key>'. Stops gracefully on SIGINT or SIGTERM.
            """)

    @OptionGroup var store: StoreLocation

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 3003

    @Option(help: ArgumentHelp("A file holding the secret key (surrounding whitespace is ignored); overrides TIDEMARK_SECRET_KEY.", valueName: "path"))
    var secretKeyFile: String?

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
    }

    func run() async throws {
        try await CommandFailure.reporting {
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.maximumBodySize = maxBodySize
            configuration.secretKey = try secretKey()
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
        if let secretKeyFile {
            let text = try String(contentsOfFile: secretKeyFile, encoding: .utf8)
            guard let key = SecretKey(text) else {
                throw CommandFailure(message: "the secret key file '\(secretKeyFile)' is empty", exitCode: 2)
            }
            return key
        }
        return ProcessInfo.processInfo.environment["TIDEMARK_SECRET_KEY"].flatMap(SecretKey.init)
    }
}
