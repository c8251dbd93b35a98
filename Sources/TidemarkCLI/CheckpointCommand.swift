import ArgumentParser

/// `tidemark checkpoint get|set|clear`.
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Read or write a sync's checkpoint.",
        subcommands: [CheckpointGetCommand.self, CheckpointSetCommand.self, CheckpointClearCommand.self])
}
