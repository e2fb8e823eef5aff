import OFACore

/// An external evaluator whose metric is accuracy, as an ``AccuracyPredictor``: a search asks it
/// as it would ask a model (and checks its answers the same way).
///
/// ```swift
/// let truth = try EvaluatorAccuracyPredictor(spec: try EvaluatorSpec(contentsOf: "validate.yaml"), space: space)
/// ```
public struct EvaluatorAccuracyPredictor: AccuracyPredictor {
    public let evaluator: ExternalEvaluator
    public let space: String

    public init(evaluator: ExternalEvaluator, space: String) throws(EvaluatorError) {
        guard evaluator.identity.metric == .accuracy else {
            throw .spec(path: evaluator.spec.path, reason: "\(evaluator.identity.label) measures \(evaluator.identity.metric.rawValue), not accuracy")
        }
        self.evaluator = evaluator
        self.space = space
    }

    public init(spec: EvaluatorSpec, space: any SearchSpace) throws(EvaluatorError) {
        try self.init(evaluator: try ExternalEvaluator(spec: spec), space: space.name)
    }

    public var name: String { "evaluator:\(evaluator.identity.label)" }

    public func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        try evaluator.measure(archs, space: space).map(\.value)
    }
}

/// An external evaluator whose metric is latency, as an ``EfficiencyPredictor``.
///
/// ```swift
/// let device = try EvaluatorLatencyPredictor(spec: try EvaluatorSpec(contentsOf: "phone.yaml"), space: space)
/// ```
public struct EvaluatorLatencyPredictor: EfficiencyPredictor {
    public let evaluator: ExternalEvaluator
    public let space: String
    public var metric: EfficiencyMetric { .latency }

    public init(evaluator: ExternalEvaluator, space: String) throws(EvaluatorError) {
        guard evaluator.identity.metric == .latency else {
            throw .spec(path: evaluator.spec.path, reason: "\(evaluator.identity.label) measures \(evaluator.identity.metric.rawValue), not latency_ms")
        }
        self.evaluator = evaluator
        self.space = space
    }

    public init(spec: EvaluatorSpec, space: any SearchSpace) throws(EvaluatorError) {
        try self.init(evaluator: try ExternalEvaluator(spec: spec), space: space.name)
    }

    public var name: String { "evaluator:\(evaluator.identity.label)" }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        try evaluator.measure(archs, space: space).map(\.value)
    }
}
