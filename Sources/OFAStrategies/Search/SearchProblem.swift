import OFACore

/// What a search solves: find the most accurate architecture of `space` whose cost, as the
/// efficiency predictor sees it, is at most `budget`.
///
/// The problem owns an ``Evaluator`` (predictors, memo cache, batching, threads). Problems made
/// with ``with(budget:)`` share it, so several budgets can reuse one cache; ``fresh(budget:)``
/// starts a new cache.
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160, 176, 192, 208, 224])
/// let problem = SearchProblem(space: space, accuracy: mlp, efficiency: note10, budget: 25)
/// let result = try EvolutionarySearch().search(problem, seed: 3)
/// result.best.accuracy    // predicted top-1 as a fraction
/// ```
public struct SearchProblem {
    public let space: any SearchSpace
    /// Upper bound on the efficiency metric (ms of latency or MACs).
    public let budget: Double
    public let evaluator: Evaluator

    /// `memoize: false` predicts every request again (the published OFA code's footing, for
    /// measuring it); see ``Evaluator``.
    public init(space: any SearchSpace, accuracy: any AccuracyPredictor, efficiency: any EfficiencyPredictor,
                budget: Double, threads: Int = 1, memoize: Bool = true) {
        self.init(space: space, evaluator: Evaluator(accuracy: accuracy, efficiency: efficiency, threads: threads, memoize: memoize),
                  budget: budget)
    }

    public init(space: any SearchSpace, evaluator: Evaluator, budget: Double) {
        self.space = space
        self.evaluator = evaluator
        self.budget = budget
    }

    public var accuracyPredictor: any AccuracyPredictor { evaluator.accuracyPredictor }
    public var efficiencyPredictor: any EfficiencyPredictor { evaluator.efficiencyPredictor }
    public var metric: EfficiencyMetric { evaluator.efficiencyPredictor.metric }

    /// The same space and evaluator (and so the same cache) with another budget.
    public func with(budget: Double) -> SearchProblem {
        SearchProblem(space: space, evaluator: evaluator, budget: budget)
    }

    /// The same space and predictors with another budget and an empty cache, so the run's
    /// counts are its own.
    public func fresh(budget: Double) -> SearchProblem {
        SearchProblem(space: space, evaluator: evaluator.fresh(), budget: budget)
    }

    /// The cheapest and dearest costs the space can reach under this efficiency predictor.
    public func feasibleRange() throws -> FeasibleRange { try evaluator.feasibleRange(in: space) }

    /// Throws ``SearchError/infeasibleBudget(budget:range:metric:)`` when no architecture of
    /// the space fits the budget.
    public func checkFeasible() throws -> FeasibleRange {
        let range = try feasibleRange()
        guard budget.isFinite, budget >= range.minimum else {
            throw SearchError.infeasibleBudget(budget: budget, range: range, metric: metric)
        }
        return range
    }
}
