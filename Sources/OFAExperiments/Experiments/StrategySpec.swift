import OFACore
import OFAStrategies

/// A search strategy with its settings, as named in a manifest's `strategies` mapping.
///
/// ```yaml
/// strategies:
///   evolutionary: {population: 100, generations: 500}
///   random: {samples: 10000}
///   exhaustive: {}
///   evo-small: {kind: evolutionary, population: 20}   # a second evolutionary setting
///   as-published: {kind: evolutionary, memoize: false} # every request predicted again
///   surrogate: {budget: 1000}                       # 1,000 truth evaluations for all targets
///   known: {kind: surrogate, budget: 500, warm_start: measured.jsonl}  # from measurements
///   memetic: {generations: 400, climb_evaluations: 10000}  # restarts + climbs, 50,100 in all
/// ```
public struct StrategySpec: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case evolutionary, random, exhaustive, surrogate, memetic
    }

    /// Name used in run ids, tables and plots (the mapping key).
    public var label: String
    public var kind: Kind
    /// Evolutionary: population size P (OFA: 100).
    public var population: Int = 100
    /// Evolutionary: generations N (OFA: 500).
    public var generations: Int = 500
    /// Evolutionary: share of the population kept as parents (OFA: 0.25).
    public var parentRatio: Double = 0.25
    /// Evolutionary: share of children made by mutation, the rest by crossover (OFA: 0.5).
    public var mutationRatio: Double = 0.5
    /// Evolutionary: probability of resampling each choice when mutating (OFA: 0.1).
    public var mutationProbability: Double = 0.1
    /// Random: number of feasible samples drawn.
    public var samples: Int = 10_000
    /// Exhaustive: the largest space it enumerates.
    public var limit: Int = 5_000_000
    /// Surrogate: the accuracy predictor's (the truth's) evaluations for all targets together,
    /// the initial design, the batch per round (nil: the strategy's defaults), and the inner
    /// searches on the surrogate (``SurrogateSearch``).
    public var budget: Int = 1_000
    public var initial: Int?
    public var batch: Int?
    public var innerGenerations = SurrogateSearch.Defaults.innerGenerations
    public var innerStarts = SurrogateSearch.Defaults.innerStarts
    public var innerStall = SurrogateSearch.Defaults.innerStall
    /// Measurements the surrogate starts from (fitted, never evaluated again, not counted).
    public var warmStart: WarmStartFile?
    /// Memetic: generations without a better best that end a restart, and the climbs'
    /// evaluations (``MemeticSearch``); population and generations as evolutionary search's.
    public var restartStall = MemeticSearch.Defaults.stall
    public var climbEvaluations = MemeticSearch.Defaults.climbEvaluations
    /// Evolutionary and random: reuse predictions of architectures seen before (false: predict
    /// every request again, the footing of OFA's and CompOFA's published search code).
    public var memoize = true

    /// Bounds on manifest settings: far above what any study uses (OFA: P=100, N=500; random
    /// search 50,100 samples), low enough that no setting overflows or exhausts memory. The
    /// command line's `search` options are meant to share them.
    public enum Bounds {
        /// Evolutionary population P (the search's own bound: the CLI and manifests share it).
        public static let population = SearchSettings.maxPopulation
        /// Evolutionary generations N (and multi-target warm generations).
        public static let generations = SearchSettings.maxGenerations
        /// Random search samples.
        public static let samples = SearchSettings.maxSamples
        /// Exhaustive search: the largest space it may be allowed to enumerate (held in memory).
        public static let limit = 20_000_000
        /// Repetitions per seed in a manifest.
        public static let repeats = 10_000
        /// Subnets measured to calibrate a projected space.
        public static let projectionSamples = 10_000
    }

    public init(label: String, kind: Kind) {
        self.label = label
        self.kind = kind
    }

    /// The settings that apply to `kind`, as (manifest key, value) pairs.
    public var settings: [(String, JSONValue)] {
        switch kind {
        case .evolutionary:
            [("population", .int(population)), ("generations", .int(generations)),
             ("parent_ratio", .double(parentRatio)), ("mutation_ratio", .double(mutationRatio)),
             ("mutation_probability", .double(mutationProbability))] + memoizeSetting
        case .random: [("samples", .int(samples))] + memoizeSetting
        case .exhaustive: [("limit", .int(limit))]
        case .surrogate:
            [("budget", .int(budget))] + (initial.map { [("initial", .int($0))] } ?? []) + (batch.map { [("batch", .int($0))] } ?? [])
                + [("inner_generations", .int(innerGenerations)), ("inner_starts", .int(innerStarts)), ("inner_stall", .int(innerStall))]
                + (warmStart.map { [("warm_start", .string($0.spelled)), ("warm_start_sha256", .string($0.sha256 ?? ""))] } ?? [])
        case .memetic:
            [("population", .int(population)), ("generations", .int(generations)),
             ("parent_ratio", .double(parentRatio)), ("mutation_ratio", .double(mutationRatio)),
             ("mutation_probability", .double(mutationProbability)), ("restart_stall", .int(restartStall)),
             ("climb_evaluations", .int(climbEvaluations))] + memoizeSetting
        }
    }

    /// Written only when off, so manifests that leave it alone keep their fingerprints.
    private var memoizeSetting: [(String, JSONValue)] { memoize ? [] : [("memoize", .bool(false))] }

    /// Manifest keys each kind accepts (besides `kind`).
    public static func keys(for kind: Kind) -> [String] {
        switch kind {
        case .evolutionary: ["population", "generations", "parent_ratio", "mutation_ratio", "mutation_probability", "memoize"]
        case .random: ["samples", "memoize"]
        case .exhaustive: ["limit"]
        case .surrogate: ["budget", "initial", "batch", "inner_generations", "inner_starts", "inner_stall", "warm_start"]
        case .memetic: ["population", "generations", "parent_ratio", "mutation_ratio", "mutation_probability", "restart_stall",
                        "climb_evaluations", "memoize"]
        }
    }

    var resolvedJSON: JSONValue {
        .object([("label", .string(label)), ("kind", .string(kind.rawValue))] + settings)
    }
}
