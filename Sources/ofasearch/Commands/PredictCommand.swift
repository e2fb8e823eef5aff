import ArgumentParser
import OFASearch

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict accuracy and efficiency for architectures read from standard input."
    )

    func run() throws { throw ValidationError("'predict' is not available yet") }
}
