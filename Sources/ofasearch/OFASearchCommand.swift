import ArgumentParser
import Foundation
import OFASearch

@main
struct OFASearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofasearch",
        abstract: "Hardware-aware architecture search over OFA and CompOFA supernets.",
        subcommands: [
            SpaceCommand.self, PredictCommand.self, PredictorCommand.self, SearchCommand.self,
            RunCommand.self, MergeCommand.self, LUTCommand.self, StoreCommand.self, ServeCommand.self, ForkServerCommand.self,
        ]
    )

    /// One OpenBLAS thread unless OPENBLAS_NUM_THREADS says otherwise: the search runs its own
    /// threads over small batches, and latency measurements time one core.
    static func main() {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            MachineInfo.pinBLASThreads(1)
            MachineInfo.stopIdleBLASWorkers()
        }
        run(nil)
    }

    /// Parses and runs one invocation. Errors are printed here, not by ArgumentParser's `main`,
    /// because a message may quote input (a file's bytes, a key, a manifest value): each of its
    /// lines is written with control characters and stand-ins for invalid bytes escaped, so the
    /// error stays readable on a terminal whatever the input held.
    static func run(_ arguments: [String]?) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(\.printable)
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
