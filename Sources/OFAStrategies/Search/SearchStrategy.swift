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
    /// Whether ``search(_:budgets:seed:)`` answers the budgets together, sharing its work
    /// (exhaustive and surrogate-assisted search), rather than one independent search each.
    var answersBudgetsTogether: Bool { get }
}

extension SearchStrategy {
    public func search(_ problem: SearchProblem, budgets: [Double], seed: UInt64) throws -> [SearchResult] {
        try budgets.map { try search(problem.fresh(budget: $0), seed: seed) }
    }

    public var answersBudgetsTogether: Bool { false }
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
    /// Surrogate-assisted search: its truth evaluations, for all budgets together.
    public var evaluations: Int?
    public var surrogate = SurrogateSettings()
    /// Memetic search: generations without a better best that end a restart, and the climbs'
    /// evaluations after the restarts.
    public var restartStall = MemeticSearch.Defaults.stall
    public var climbEvaluations = MemeticSearch.Defaults.climbEvaluations

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

extension SearchSettings {
    /// The largest population any strategy accepts: far beyond a useful setting (OFA's is 100),
    /// and a population of millions runs for hours, then exhausts memory.
    public static let maxPopulation = 100_000
    /// The most generations any strategy (and any warm stage or stall rule) accepts.
    public static let maxGenerations = 1_000_000
    /// The most samples random search accepts (its default, population × (generations + 1), included).
    public static let maxSamples = 100_000_000

    /// Refuses settings beyond the bounds above (or below 1), naming the setting and the bound in
    /// one line: the command line calls it before anything is loaded, the strategies' own
    /// `validate()` rely on the same constants.
    ///
    /// ```swift
    /// try SearchSettings(population: 10_000_000).checkBounds()   // population must be at most 100000, got 10000000
    /// ```
    public func checkBounds() throws {
        try Self.check("population", population, 1...Self.maxPopulation)
        try Self.check("generations", generations, 0...Self.maxGenerations)
        if let samples { try Self.check("samples", samples, 1...Self.maxSamples) }
    }

    /// Throws ``SearchError/invalidSetting(_:)`` unless `value` is in `range`.
    public static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw SearchError.invalidSetting(value < range.lowerBound ? "\(name) must be at least \(range.lowerBound), got \(value)"
                                                                      : "\(name) must be at most \(range.upperBound), got \(value)")
        }
    }
}

/// The strategies by name.
public enum SearchStrategies {
    public static let names = ["evolutionary", "random", "exhaustive", "surrogate", "memetic"]

    /// OFA's evolutionary search with these settings (also memetic search's restarts).
    static func evolution(_ settings: SearchSettings) -> EvolutionarySearch {
        var s = EvolutionarySearch(population: settings.population, generations: settings.generations,
                                   parentRatio: settings.parentRatio, mutationRatio: settings.mutationRatio,
                                   mutationProbability: settings.mutationProbability)
        s.sampling = SpaceSampling(settings.sampling)
        s.maxTries = settings.maxTries
        return s
    }

    public static func make(_ name: String, settings: SearchSettings = SearchSettings()) throws -> any SearchStrategy {
        switch name {
        case "evolutionary":
            let s = evolution(settings)
            try s.validate()
            return s
        case "random":
            // The evolutionary budget, population × (generations + 1), checked: large settings overflow Int.
            let (generationsPlusOne, o1) = settings.generations.addingReportingOverflow(1)
            let (budget, o2) = settings.population.multipliedReportingOverflow(by: generationsPlusOne)
            if settings.samples == nil, o1 || o2 || budget > SearchSettings.maxSamples {
                throw SearchError.invalidSetting("samples = population × (generations + 1) = \(settings.population) × (\(settings.generations) + 1) is above \(SearchSettings.maxSamples); give --samples")
            }
            let s = RandomSearch(samples: settings.samples ?? budget,
                                 sampling: SpaceSampling(settings.sampling), maxTries: settings.maxTries)
            try s.validate()
            return s
        case "memetic":
            let s = MemeticSearch(evolution: evolution(settings), stall: settings.restartStall, climbEvaluations: settings.climbEvaluations)
            try s.validate()
            return s
        case "exhaustive":
            return ExhaustiveSearch(limit: settings.enumerationLimit)
        case "surrogate":
            guard let evaluations = settings.evaluations else {
                throw SearchError.invalidSetting("surrogate search needs its budget of truth evaluations (--budget N, or budget: N in a manifest)")
            }
            var s = SurrogateSearch(evaluations: evaluations, initial: settings.surrogate.initial, batch: settings.surrogate.batch)
            s.innerGenerations = settings.surrogate.innerGenerations
            s.innerStarts = settings.surrogate.innerStarts
            s.innerStall = settings.surrogate.innerStall
            s.warmStart = settings.surrogate.warmStart
            s.maxTries = settings.maxTries
            try s.validate()
            return s
        default:
            throw SearchError.unknownStrategy(name, known: names)
        }
    }
}
