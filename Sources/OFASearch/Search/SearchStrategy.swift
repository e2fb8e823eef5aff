/// A search algorithm: evolutionary, random or exhaustive. The CLI and the experiment runner
/// pick one by name through ``SearchStrategies``.
///
/// ```swift
/// let strategy = try SearchStrategies.make("evolutionary", settings: SearchSettings(generations: 100))
/// let results = try strategy.search(problem, budgets: [15, 20, 25], seed: 3)
/// ```
public protocol SearchStrategy: Sendable {
    /// Name used on the command line and in results.
    var name: String { get }
    /// The best architecture within `problem.budget`. Throws ``SearchError/infeasibleBudget``
    /// when nothing in the space fits.
    func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult
    /// One result per budget. By default an independent search per budget, each with the same
    /// seed and its own empty cache; exhaustive search predicts every architecture once for all.
    func search(_ problem: SearchProblem, budgets: [Double], seed: UInt64) throws -> [SearchResult]
}

extension SearchStrategy {
    public func search(_ problem: SearchProblem, budgets: [Double], seed: UInt64) throws -> [SearchResult] {
        try budgets.map { try search(problem.fresh(budget: $0), seed: seed) }
    }
}

/// Settings a strategy is made from by name; each strategy reads the ones it uses. Defaults are
/// OFA's (`population_size` 100, `max_time_budget` 500, `parent_ratio` 0.25,
/// `mutation_ratio` 0.5, `mutate_prob` 0.1).
public struct SearchSettings: Sendable, Equatable {
    public var population = 100
    public var generations = 500
    public var parentRatio = 0.25
    public var mutationRatio = 0.5
    public var mutationProbability = 0.1
    /// Random search: samples to evaluate; nil means as many as evolutionary search would
    /// (population × (generations + 1)).
    public var samples: Int?
    /// Candidates drawn before an over-budget one is repaired. OFA draws until one fits; with
    /// 1,000 draws a fifth of OFA's initial population at 15 ms on note10 (1 feasible sample in
    /// about 800) would be repaired instead of sampled, which measurably hurt the search.
    public var maxTries = 100_000
    public var sampling = SpaceSampling.Distribution.ofa
    /// Exhaustive search refuses spaces larger than this.
    public var enumerationLimit: UInt128 = 5_000_000

    public init(population: Int = 100, generations: Int = 500, parentRatio: Double = 0.25, mutationRatio: Double = 0.5,
                mutationProbability: Double = 0.1, samples: Int? = nil, maxTries: Int = 100_000) {
        self.population = population
        self.generations = generations
        self.parentRatio = parentRatio
        self.mutationRatio = mutationRatio
        self.mutationProbability = mutationProbability
        self.samples = samples
        self.maxTries = maxTries
    }
}

/// The strategies by name.
public enum SearchStrategies {
    public static let names = ["evolutionary", "random", "exhaustive"]

    public static func make(_ name: String, settings: SearchSettings = SearchSettings()) throws -> any SearchStrategy {
        switch name {
        case "evolutionary":
            var s = EvolutionarySearch(population: settings.population, generations: settings.generations,
                                       parentRatio: settings.parentRatio, mutationRatio: settings.mutationRatio,
                                       mutationProbability: settings.mutationProbability)
            s.sampling = SpaceSampling(settings.sampling)
            s.maxTries = settings.maxTries
            try s.validate()
            return s
        case "random":
            let s = RandomSearch(samples: settings.samples ?? settings.population * (settings.generations + 1),
                                 sampling: SpaceSampling(settings.sampling), maxTries: settings.maxTries)
            try s.validate()
            return s
        case "exhaustive":
            return ExhaustiveSearch(limit: settings.enumerationLimit)
        default:
            throw SearchError.unknownStrategy(name, known: names)
        }
    }
}
