/// The settings of a multi-target sweep other than its mode, variant and base strategy: the one
/// configuration that `ofasearch search --multi` and a manifest's `multi:` block both fill, so
/// the two build the same sweep from the same values with the same defaults.
///
/// ```swift
/// var settings = SweepSettings()
/// settings.warmStall = 0                 // never end a warm stage early
/// let sweep = try settings.sweep(mode: .bottomUp, variant: .improved, search: SearchSettings())
/// ```
public struct SweepSettings: Sendable, Hashable {
    /// `--warm-generations`, `warm_generations`.
    public static let defaultWarmGenerations = 100

    /// Generations of each warm stage.
    public var warmGenerations = Self.defaultWarmGenerations
    /// Generations without a better best that end a warm sweep's first, full search; 0: never;
    /// nil: the variant's default (improved: 100, paper: never).
    public var firstStall: Int?
    /// Generations without a better best that end a warm stage; 0: never; nil: the variant's
    /// default (improved: 70, paper: never).
    public var warmStall: Int?
    /// Share of the population kept as parents in warm stages; nil: the variant's default
    /// (improved: 0.5, paper: the strategy's parent ratio).
    public var warmParentRatio: Double?
    /// Draws per new member before an over-budget one is repaired, in the evolutionary stages
    /// and in NSGA-II; nil: each strategy's own (evolutionary 100,000, NSGA-II 1,000). The CLI
    /// always gives its --max-tries (default 100,000); a manifest's sweep keeps the strategies'
    /// own unless `max_tries` is given, so its results stay those of earlier runs.
    public var maxTries: Int?
    /// NSGA-II's first population.
    public var nsga2Initialization = NSGA2Search.Initialization.stratified
    /// NSGA-II breeds again a child the run has already evaluated.
    public var nsga2EliminateDuplicates = true
    /// NSGA-II ranks costs below the smallest target as equal to it.
    public var nsga2FloorAtSmallestTarget = true
    /// Where NSGA-II's parents come from.
    public var nsga2Parents = NSGA2Search.Parents.answers

    public init() {}

    /// The sweep these settings describe, its evolutionary stages and its NSGA-II run made from
    /// the same strategy settings (``maxTries``, when set, replaces `search.maxTries`).
    public func sweep(mode: MultiTargetSweep.Mode, variant: MultiTargetSweep.Variant,
                      search: SearchSettings) throws -> MultiTargetSweep {
        var search = search
        if let maxTries { search.maxTries = maxTries }
        guard let strategy = try SearchStrategies.make("evolutionary", settings: search) as? EvolutionarySearch else {
            preconditionFailure("SearchStrategies.make(\"evolutionary\") makes an EvolutionarySearch")
        }
        var nsga2 = NSGA2Search(population: search.population, generations: search.generations,
                                mutationRatio: search.mutationRatio, mutationProbability: search.mutationProbability)
        if let maxTries { nsga2.maxTries = maxTries }
        nsga2.initialization = nsga2Initialization
        nsga2.eliminateDuplicates = nsga2EliminateDuplicates
        nsga2.parents = nsga2Parents
        var sweep = MultiTargetSweep(mode: mode, variant: variant, warmGenerations: warmGenerations, strategy: strategy, nsga2: nsga2)
        sweep.nsga2FloorAtSmallestTarget = nsga2FloorAtSmallestTarget
        if let s = firstStall { sweep.firstStall = s == 0 ? nil : s }
        if let s = warmStall { sweep.warmStall = s == 0 ? nil : s }
        if let r = warmParentRatio { sweep.warmParentRatio = r }
        return sweep
    }
}
