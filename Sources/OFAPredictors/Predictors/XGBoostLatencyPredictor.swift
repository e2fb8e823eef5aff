import OFACore
import OFAXGBoost

/// Latency (ms) from an XGBoost model trained on end-to-end measurements (``XGBoostModel``).
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
/// let v100 = try XGBoostLatencyPredictor(directory: "predictors/help-v100_64-latency", space: space)
/// let ms = try v100.predictEfficiency(archs)
/// ```
public struct XGBoostLatencyPredictor: EfficiencyPredictor, XGBoostBacked {
    public let model: XGBoostModel

    /// The predictor reads models of this kind.
    public static var kind: XGBoostProvenance.Kind { .latency }

    public init(model: XGBoostModel) throws(XGBoostError) {
        try model.require(Self.kind)
        self.model = model
    }

    public var metric: EfficiencyMetric { .latency }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        try model.predict(archs)
    }
}
