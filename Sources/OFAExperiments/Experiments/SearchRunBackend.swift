import OFACore
import OFAStrategies

/// The experiment runner's adapter to the search engine (``SearchStrategies``): one
/// ``SearchProblem`` per run with its own evaluator (own cache, one thread — runs are parallel
/// across jobs), the strategy made from the manifest's settings, one result per target.
///
/// Exhaustive search answers all of a run's targets from one enumeration; its per-target
/// `seconds` are the sweep's time split evenly over the targets, and each target's
/// `evaluations` are the enumerated architectures (all of them were consulted for it); run totals
/// count the sweep once. Multi-target runs go through ``MultiTargetSweep`` (its per-target
/// results and totals as it counts them).
public struct SearchRunBackend: SearchBackend {
    public init() {}

    public func search(_ request: SearchRequest) throws -> SearchOutcome {
        if let mode = request.mode { return try sweep(request, mode: mode) }
        var strategy = try request.strategy.makeStrategy()
        if let file = request.strategy.warmStart, var surrogate = strategy as? SurrogateSearch {
            surrogate.warmStart = try file.load(space: request.space, efficiency: request.efficiency)
            try surrogate.validate()
            strategy = surrogate
        }
        guard let first = request.targets.first else { return SearchOutcome(targets: [], evaluations: 0, uniqueArchitectures: 0) }
        let problem = SearchProblem(space: request.space, accuracy: request.accuracy, efficiency: request.efficiency,
                                    budget: first, threads: 1, memoize: request.strategy.memoize)
        let results = try strategy.search(problem, budgets: request.targets, seed: request.seed)
        let sweep = results.first?.sweep
        let outcomes = results.map { r in
            TargetOutcome(target: r.budget, arch: r.best.arch, accuracy: r.best.accuracy, efficiency: r.best.efficiency,
                          evaluations: sweep?.evaluations ?? r.evaluations,
                          uniqueArchitectures: sweep?.evaluations ?? r.counts.uniqueArchitectures,
                          seconds: sweep.map { $0.seconds / Double($0.budgets) } ?? r.seconds,
                          bestSoFar: r.history.map { CurvePoint(evaluations: $0.evaluations, accuracy: $0.accuracy) },
                          front: r.front)
        }
        return SearchOutcome(targets: outcomes, evaluations: results.map(\.evaluations).reduce(0, +),
                             uniqueArchitectures: results.map(\.counts.uniqueArchitectures).reduce(0, +),
                             front: FrontResult(points: results.flatMap(\.front), answers: results.map { (target: $0.budget, answer: $0.best) },
                                                metric: request.efficiency.metric, reference: FrontResult.reference(targets: request.targets)),
                             surrogate: results.first?.surrogate)
    }

    /// A multi-target sweep (issue 5): independent, bottom-up, top-down or NSGA-II, built by
    /// ``SweepSettings`` as the CLI builds it.
    func sweep(_ request: SearchRequest, mode: MultiTargetSweep.Mode) throws -> SearchOutcome {
        guard request.strategy.kind == .evolutionary else {
            throw RunnerError.backend("multi-target sweeps need an evolutionary strategy, not \(request.strategy.kind.rawValue)")
        }
        let sweep = try (request.multi?.settings ?? SweepSettings())
            .sweep(mode: mode, variant: request.variant ?? .improved, search: request.strategy.searchSettings)
        let problem = SearchProblem(space: request.space, accuracy: request.accuracy, efficiency: request.efficiency,
                                    budget: request.targets.max() ?? 0, threads: 1, memoize: request.strategy.memoize)
        let out = try sweep.run(problem: problem, targets: request.targets, seed: request.seed)
        let outcomes = out.results.map { r in
            TargetOutcome(target: r.budget, arch: r.best.arch, accuracy: r.best.accuracy, efficiency: r.best.efficiency,
                          evaluations: r.evaluations, uniqueArchitectures: r.counts.uniqueArchitectures, seconds: r.seconds,
                          bestSoFar: r.history.map { CurvePoint(evaluations: $0.evaluations, accuracy: $0.accuracy) },
                          front: r.front)
        }
        return SearchOutcome(targets: outcomes, evaluations: out.evaluations, uniqueArchitectures: out.counts.uniqueArchitectures,
                             front: out.front())
    }
}

extension StrategySpec {
    /// The engine's settings for this strategy.
    public var searchSettings: SearchSettings {
        var settings = SearchSettings(population: population, generations: generations, parentRatio: parentRatio,
                                      mutationRatio: mutationRatio, mutationProbability: mutationProbability, samples: samples)
        settings.enumerationLimit = UInt128(limit)
        settings.evaluations = budget
        settings.surrogate = SurrogateSettings(initial: initial, batch: batch, innerGenerations: innerGenerations, innerStarts: innerStarts,
                                               innerStall: innerStall)
        settings.restartStall = restartStall
        settings.climbEvaluations = climbEvaluations
        return settings
    }

    /// The engine's strategy with these settings; throws when a setting is out of range (the
    /// manifest loader reports that at the strategy's line).
    public func makeStrategy() throws -> any SearchStrategy {
        try SearchStrategies.make(kind.rawValue, settings: searchSettings)
    }
}
