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
public struct XGBoostAccuracyPredictor: AccuracyPredictor, XGBoostBacked {
    public let model: XGBoostModel

    /// The predictor reads models of this kind.
    public static var kind: XGBoostProvenance.Kind { .accuracy }

    public init(model: XGBoostModel) throws(XGBoostError) {
        try model.require(Self.kind)
        self.model = model
    }

    public func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        try model.predict(archs).map { $0 / 100 }
    }
}

/// What the two XGBoost predictors share: the model, loading a model directory of their kind,
/// and their name.
public protocol XGBoostBacked: Sendable {
    /// The kind of model the predictor needs.
    static var kind: XGBoostProvenance.Kind { get }
    var model: XGBoostModel { get }
    /// Refuses a model of another kind.
    init(model: XGBoostModel) throws(XGBoostError)
}

extension XGBoostBacked {
    /// Loads a model directory; `space` must be the space it was trained in (or, for latency with
    /// ``XGBoostModel/Options/allowWidthMismatch``, the same space at another width).
    public init(directory: String, space: (any SearchSpace)? = nil,
                options: XGBoostModel.Options = XGBoostModel.Options()) throws(XGBoostError) {
        try self.init(model: try XGBoostModel(directory: directory, space: space, kind: Self.kind, options: options))
    }

    public var name: String { "xgboost:\(model.location)" }
}
