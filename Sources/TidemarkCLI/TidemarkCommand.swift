import ArgumentParser

/// `tidemark`: the command-line front of a Tidemark store.
@main
struct TidemarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidemark",
        abstract: "An embedded, event-sourced record store for data synced from external APIs.",
        discussion: """
            Every subcommand works on the store in --data (default ./tidemark-data), created on first use.
            Exit codes: 0 success; 1 verify found differences; 2 invalid input; 3 checkpoint conflict; \
            4 the store failed or is damaged; 64 invalid command line.
            """,
        subcommands: [
            ServeCommand.self, RecordsCommand.self, StatsCommand.self, CheckpointCommand.self,
            ImportCommand.self, ExportCommand.self, VerifyCommand.self, PruneCommand.self, CompactCommand.self,
            CopyCommand.self, TriggerCommand.self, DemoCommand.self,
        ])
}
