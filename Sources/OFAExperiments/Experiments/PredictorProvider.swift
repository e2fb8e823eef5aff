import OFACore

/// Turns the predictor references of a manifest into loaded predictors. The runner asks for each
/// (reference, space) pair once per experiment; implementations may cache.
///
/// ```swift
/// let provider = PredictorCatalog()
/// let table = try provider.efficiencyPredictor(part.efficiency, space: space)
/// ```
public protocol PredictorProvider: Sendable {
    func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor
    func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor
}
