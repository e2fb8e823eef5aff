import ArgumentParser
import OFASearch

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment manifest."
    )

    func run() throws { throw ValidationError("'run' is not available yet") }
}
