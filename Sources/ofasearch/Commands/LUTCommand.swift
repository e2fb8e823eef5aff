import ArgumentParser
import OFASearch

struct LUTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lut",
        abstract: "Profile and validate latency look-up tables on this CPU."
    )

    func run() throws { throw ValidationError("'lut' is not available yet") }
}
