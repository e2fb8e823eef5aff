import ArgumentParser
import OFASearch

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the outputs of sharded experiment runs."
    )

    func run() throws { throw ValidationError("'merge' is not available yet") }
}
