import OFACore

/// The improved Top-down: pruned copies (``RandomizedPruning/improved``) of the evaluated front
/// just above the budget (the least to prune), else of the previous elite, one per population
/// member. Already evaluated architectures that fit are not seeded: they are mostly
/// low-resolution leftovers of earlier stages, and they pulled the population into their basin
/// (25 ms: -0.13 points over 20 seeds); they still count as answers (the sweep's archive).
///
/// ```swift
/// let seeds = try PrunedFrontSeeding().seed(stage, using: &rng)
/// seeds.pruning?.fitted   // seeds whose pruning ended within the budget
/// ```
public struct PrunedFrontSeeding: WarmStartSeeding {
    public var pruning: RandomizedPruning

    public init(pruning: RandomizedPruning = .improved) { self.pruning = pruning }

    public func seed(_ stage: WarmStart, using rng: inout SeededGenerator) throws -> WarmSeeds {
        let above = stage.archive.members.lazy.filter { $0.efficiency > stage.budget }.prefix(stage.parentCount).map(\.arch)
        let elite = above.isEmpty ? stage.previousElite : Array(above)
        var outcomes: [RandomizedPruning.Outcome] = []
        for i in 0..<stage.population {
            outcomes.append(try pruning.prune(elite[i % elite.count], in: stage.space, budget: stage.budget, using: &rng, cost: stage.cost))
        }
        return WarmSeeds(architectures: outcomes.map(\.arch), pruning: .init(from: elite, outcomes: outcomes))
    }
}
