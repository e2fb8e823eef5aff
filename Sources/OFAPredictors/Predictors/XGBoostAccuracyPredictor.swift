import OFACore
import OFAXGBoost

/// Top-1 accuracy from an XGBoost model trained on measurements (``XGBoostModel``). The model
/// predicts top-1 in % as measured; this predictor returns it as a fraction, like every accuracy
/// predictor in the library.
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
/// let predictor = try XGBoostAccuracyPredictor(directory: "predictors/ofa-mbv3-w1.0-top1", space: space)
/// let accs = try predictor.predictAccuracy(archs)   // e.g. [0.7612, ...]
/// ```
public struct XGBoostAccuracyPredictor: AccuracyPredictor {
    public let model: XGBoostModel

    /// Loads an accuracy model directory; `space` must be the space it was trained in.
    public init(directory: String, space: (any SearchSpace)? = nil,
                options: XGBoostModel.Options = XGBoostModel.Options()) throws(XGBoostError) {
        model = try XGBoostModel(directory: directory, space: space, kind: .accuracy, options: options)
    }

    public init(model: XGBoostModel) throws(XGBoostError) {
        guard model.provenance.kind == .accuracy else {
            throw .model(path: model.location, reason: "a \(model.provenance.kind.rawValue) model cannot predict accuracy")
        }
        self.model = model
    }

    public var name: String { "xgboost:\(model.location)" }

    public func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        try model.predict(archs).map { $0 / 100 }
    }
}
