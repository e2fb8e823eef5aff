import OFACore

/// An external evaluator whose metric is accuracy, as an ``AccuracyPredictor``: a search asks it
/// as it would ask a model (and checks its answers the same way).
///
/// ```swift
/// let truth = try EvaluatorAccuracyPredictor(spec: try EvaluatorSpec(contentsOf: "validate.yaml"), space: space)
/// ```
public struct EvaluatorAccuracyPredictor: AccuracyPredictor, EvaluatorBacked {
    public let evaluator: ExternalEvaluator
    public let space: String

    public init(evaluator: ExternalEvaluator, space: String) throws(EvaluatorError) {
        try evaluator.require(.accuracy)
        self.evaluator = evaluator
        self.space = space
    }

    public func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        try measure(archs)
    }
}

/// An external evaluator whose metric is latency, as an ``EfficiencyPredictor``.
///
/// ```swift
/// let device = try EvaluatorLatencyPredictor(spec: try EvaluatorSpec(contentsOf: "phone.yaml"), space: space)
/// ```
public struct EvaluatorLatencyPredictor: EfficiencyPredictor, EvaluatorBacked {
    public let evaluator: ExternalEvaluator
    public let space: String
    public var metric: EfficiencyMetric { .latency }

    public init(evaluator: ExternalEvaluator, space: String) throws(EvaluatorError) {
        try evaluator.require(.latency)
        self.evaluator = evaluator
        self.space = space
    }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        try measure(archs)
    }
}

/// What the two evaluator predictors share: the worker, the space it is told, their name, the
/// start from a spec file and the measuring.
public protocol EvaluatorBacked: Sendable {
    var evaluator: ExternalEvaluator { get }
    var space: String { get }
    /// Refuses an evaluator whose metric is not the predictor's.
    init(evaluator: ExternalEvaluator, space: String) throws(EvaluatorError)
}

extension EvaluatorBacked {
    /// Starts the worker of a spec file.
    public init(spec: EvaluatorSpec, space: any SearchSpace) throws(EvaluatorError) {
        try self.init(evaluator: try ExternalEvaluator(spec: spec), space: space.name)
    }

    public var name: String { "evaluator:\(evaluator.identity.label)" }

    func measure(_ archs: [Architecture]) throws -> [Double] {
        try evaluator.measure(archs, space: space).map(\.value)
    }
}

extension ExternalEvaluator {
    /// Refuses an evaluator whose metric is not `metric` ("... measures latency_ms, not accuracy").
    func require(_ metric: EvaluatorIdentity.Metric) throws(EvaluatorError) {
        guard identity.metric == metric else {
            throw .spec(path: spec.path, reason: "\(identity.label) measures \(identity.metric.rawValue), not \(metric.rawValue)")
        }
    }
}
