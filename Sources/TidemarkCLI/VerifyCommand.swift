import ArgumentParser
import TidemarkServer

/// `tidemark verify`: rebuilds the view from the log and compares; exits 1 on any difference.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the view and the counts agree with the change log.",
        discussion: "Reads one consistent snapshot. Exits 0 when the store is consistent and 1 when it found a difference, each printed on a line.")

    @OptionGroup var store: StoreLocation

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let report = try store.open().verify()
            let output = StandardOutput()
            if json {
                output.line(try JSONCoding.encode(Report(consistent: report.isConsistent, datasets: report.datasets, logEntries: report.logEntries,
                                                         viewEntries: report.viewEntries, problems: report.problems)))
            } else {
                output.line("\(report.isConsistent ? "consistent" : "INCONSISTENT"): \(report.datasets) datasets, \(report.logEntries) log entries, \(report.viewEntries) view entries")
                for problem in report.problems { output.line(problem) }
            }
            output.flush()
            if !report.isConsistent { throw ExitCode(1) }
        }
    }

    /// The `--json` output.
    struct Report: Encodable {
        var consistent: Bool
        var datasets: Int
        var logEntries: Int
        var viewEntries: Int
        var problems: [String]

        enum CodingKeys: String, CodingKey {
            case consistent, datasets, problems
            case logEntries = "log_entries"
            case viewEntries = "view_entries"
        }
    }
}
