import OFACore
import OFAStrategies

/// The search engine as the experiment runner sees it: one call per planned run. The adapter to
/// the engine's strategies lives in ``SearchRunBackend``; tests plug in their own.
///
/// Implementations must be deterministic in `request.seed` and keep all per-run state (caches,
/// generators) inside the call, so runs can execute in parallel in any order.
public protocol SearchBackend: Sendable {
    func search(_ request: SearchRequest) throws -> SearchOutcome
}

/// What one run asks of the search engine.
public struct SearchRequest: Sendable {
    public var space: any SearchSpace
    public var accuracy: any AccuracyPredictor
    public var efficiency: any EfficiencyPredictor
    public var strategy: StrategySpec
    /// Budgets, in the efficiency metric's unit, in the order to search them.
    public var targets: [Double]
    /// The multi-target mode and its settings, when targets are swept together.
    public var mode: MultiTargetSpec.Mode?
    public var variant: MultiTargetSpec.Variant?
    public var multi: MultiTargetSpec?
    public var seed: UInt64

    public init(space: any SearchSpace, accuracy: any AccuracyPredictor, efficiency: any EfficiencyPredictor,
                strategy: StrategySpec, targets: [Double], mode: MultiTargetSpec.Mode? = nil,
                variant: MultiTargetSpec.Variant? = nil, multi: MultiTargetSpec? = nil, seed: UInt64) {
        self.space = space
        self.accuracy = accuracy
        self.efficiency = efficiency
        self.strategy = strategy
        self.targets = targets
        self.mode = mode
        self.variant = variant
        self.multi = multi
        self.seed = seed
    }
}

/// The result of one run: one entry per target, in the request's order, plus totals.
public struct SearchOutcome: Sendable {
    public var targets: [TargetOutcome]
    /// Predictor evaluations requested over the whole run (cache hits included).
    public var evaluations: Int
    /// Distinct architectures evaluated over the whole run.
    public var uniqueArchitectures: Int
    /// The run's front result, when the backend builds it (NSGA-II's front is its own);
    /// otherwise ``frontResult(metric:)`` builds it from the targets' fronts.
    public var front: FrontResult?
    /// A surrogate-assisted run's rounds.
    public var surrogate: SurrogateTrace?

    public init(targets: [TargetOutcome], evaluations: Int, uniqueArchitectures: Int, front: FrontResult? = nil,
                surrogate: SurrogateTrace? = nil) {
        self.targets = targets
        self.evaluations = evaluations
        self.uniqueArchitectures = uniqueArchitectures
        self.front = front
        self.surrogate = surrogate
    }

    /// The Pareto front of everything the run evaluated (once, however many targets it
    /// answered), with the hypervolume against the default reference for its targets
    /// (``FrontResult/reference(targets:minAccuracy:)``), as `search --front` prints it.
    public func frontResult(metric: EfficiencyMetric) -> FrontResult {
        if let front { return front }
        let answers = targets.compactMap { t in t.arch.map { (target: t.target, answer: Candidate(arch: $0, accuracy: t.accuracy, efficiency: t.efficiency)) } }
        return FrontResult(points: targets.flatMap(\.front), answers: answers, metric: metric,
                           reference: FrontResult.reference(targets: targets.map(\.target)))
    }
}

/// The best subnet found for one target, with how it was found.
public struct TargetOutcome: Sendable {
    public var target: Double
    /// Nil when nothing feasible was found.
    public var arch: Architecture?
    /// Predicted top-1, as a fraction.
    public var accuracy: Double
    /// Predicted cost in the metric's unit.
    public var efficiency: Double
    /// Evaluations attributable to this target (cache hits included).
    public var evaluations: Int
    public var uniqueArchitectures: Int
    /// Time attributable to this target, when the engine knows it; otherwise the runner splits
    /// the run's time evenly among its targets.
    public var seconds: Double?
    /// Best feasible accuracy so far against evaluations made.
    public var bestSoFar: [CurvePoint]
    /// Pareto front (lowest cost, highest accuracy) of everything evaluated for this target.
    public var front: [Candidate]

    public init(target: Double, arch: Architecture?, accuracy: Double, efficiency: Double, evaluations: Int,
                uniqueArchitectures: Int, seconds: Double? = nil, bestSoFar: [CurvePoint] = [], front: [Candidate] = []) {
        self.target = target
        self.arch = arch
        self.accuracy = accuracy
        self.efficiency = efficiency
        self.evaluations = evaluations
        self.uniqueArchitectures = uniqueArchitectures
        self.seconds = seconds
        self.bestSoFar = bestSoFar
        self.front = front
    }
}

/// A point of a best-so-far curve.
public struct CurvePoint: Sendable, Hashable {
    public var evaluations: Int
    public var accuracy: Double
    public init(evaluations: Int, accuracy: Double) {
        self.evaluations = evaluations
        self.accuracy = accuracy
    }
}
