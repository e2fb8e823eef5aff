import OFACore

/// Seeds the population of a warm stage of a ``MultiTargetSweep`` from the stage before it (an
/// operator in the style of ``Sampling`` and ``Mutation``). The sweep picks one by mode and
/// variant (``MultiTargetSweep/seeding``): ``CarriedPopulationSeeding`` and ``GrownEliteSeeding``
/// for Bottom-up, ``PrunedBestSeeding`` and ``PrunedFrontSeeding`` for Top-down.
///
/// ```swift
/// let seeds = try PrunedFrontSeeding(pruning: .improved).seed(stage, using: &rng)
/// seeds.architectures.count   // the population of the warm stage
/// ```
public protocol WarmStartSeeding: Sendable {
    func seed(_ stage: WarmStart, using rng: inout SeededGenerator) throws -> WarmSeeds
}

/// What a warm stage is seeded from: the previous stage's result, the new budget, the sweep's
/// front of everything evaluated so far and the evaluator they share.
public struct WarmStart {
    /// The result of the stage before (the previous target's search).
    public var previous: SearchResult
    /// The target of the stage to seed.
    public var budget: Double
    public var space: any SearchSpace
    /// Pareto front of everything the sweep has evaluated so far.
    public var archive: ParetoFront
    /// The evaluator the sweep's stages share (its memo cache included).
    public var evaluator: Evaluator
    /// Population size and parent count of the search that runs the stage.
    public var population: Int
    public var parentCount: Int

    /// The memoized cost of an architecture (what pruning asks).
    func cost(_ arch: Architecture) throws -> Double { try evaluator.efficiency(of: arch) }

    /// The `parentCount` best distinct architectures of the previous final population (its best first).
    var previousElite: [Architecture] {
        var seen = Set<Architecture>(), out: [Architecture] = [previous.best.arch]
        seen.insert(previous.best.arch)
        for c in TopKSelection().select(previous.population, count: previous.population.count) where out.count < parentCount {
            if seen.insert(c.arch).inserted { out.append(c.arch) }
        }
        return out
    }
}

/// A warm stage's seeded population and how it was made.
public struct WarmSeeds {
    public var architectures: [Architecture]
    /// How Top-down pruned (nil for Bottom-up).
    public var pruning: MultiTargetResult.Pruning?
    /// The paper's Top-down prunes the previous best in place: the architecture that now stands
    /// in the previous result (and in every earlier one whose best was the same object).
    public var overwritesPreviousBest: Architecture?

    public init(architectures: [Architecture], pruning: MultiTargetResult.Pruning? = nil, overwritesPreviousBest: Architecture? = nil) {
        self.architectures = architectures
        self.pruning = pruning
        self.overwritesPreviousBest = overwritesPreviousBest
    }
}
