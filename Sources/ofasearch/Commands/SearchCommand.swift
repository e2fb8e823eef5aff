import ArgumentParser
import OFASearch

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search for the most accurate subnet under one or more budgets."
    )

    func run() throws { throw ValidationError("'search' is not available yet") }
}
