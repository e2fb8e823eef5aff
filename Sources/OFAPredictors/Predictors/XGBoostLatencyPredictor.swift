import OFACore
import OFAXGBoost

/// Latency (ms) from an XGBoost model trained on end-to-end measurements (``XGBoostModel``).
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
/// let v100 = try XGBoostLatencyPredictor(directory: "predictors/help-v100_64-latency", space: space)
/// let ms = try v100.predictEfficiency(archs)
/// ```
public struct XGBoostLatencyPredictor: EfficiencyPredictor {
    public let model: XGBoostModel

    /// Loads a latency model directory; `space` must be the space it was trained in (or, with
    /// ``XGBoostModel/Options/allowWidthMismatch``, the same space at another width).
    public init(directory: String, space: (any SearchSpace)? = nil,
                options: XGBoostModel.Options = XGBoostModel.Options()) throws(XGBoostError) {
        model = try XGBoostModel(directory: directory, space: space, kind: .latency, options: options)
    }

    public init(model: XGBoostModel) throws(XGBoostError) {
        guard model.provenance.kind == .latency else {
            throw .model(path: model.location, reason: "a \(model.provenance.kind.rawValue) model cannot predict latency")
        }
        self.model = model
    }

    public var name: String { "xgboost:\(model.location)" }
    public var metric: EfficiencyMetric { .latency }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        try model.predict(archs)
    }
}
