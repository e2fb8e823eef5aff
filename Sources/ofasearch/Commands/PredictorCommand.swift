import ArgumentParser
import OFASearch

struct PredictorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictor",
        abstract: "Train and evaluate XGBoost predictors."
    )

    func run() throws { throw ValidationError("'predictor' is not available yet") }
}
