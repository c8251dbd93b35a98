import Foundation
import LMDB

/// The `--hold-read` mode: opens the store's LMDB environment, begins a read transaction, reports `ready`
/// on the ack file and blocks inside the transaction until the process is killed, so that the test can
/// check what a reader that dies mid-transaction leaves behind.
enum ReadHolder {
    /// Never returns normally; throws only when the environment cannot be opened or read.
    static func hold(directory: String, ack: AckLog) throws -> Never {
        let environment = try Environment(directory: directory)
        try environment.read { _ throws -> Never in
            try ack.append("ready")
            while true { sleep(3600) }
        }
    }
}
