import OFACore

/// The improved Bottom-up: the previous elite, and grown copies of it (``RandomizedGrowth``)
/// that use the larger budget, as many as the previous final population.
///
/// ```swift
/// let seeds = try GrownEliteSeeding().seed(stage, using: &rng).architectures
/// ```
public struct GrownEliteSeeding: WarmStartSeeding {
    public var growth: RandomizedGrowth

    public init(growth: RandomizedGrowth = RandomizedGrowth()) { self.growth = growth }

    public func seed(_ stage: WarmStart, using rng: inout SeededGenerator) throws -> WarmSeeds {
        let elite = stage.previousElite
        var seeds = elite
        // Growth asks many latencies of architectures never seen again: not memoized.
        for i in 0..<(stage.previous.population.count - elite.count) {
            seeds.append(try growth.grow(elite[i % elite.count], in: stage.space, budget: stage.budget, using: &rng,
                                         cost: { try stage.evaluator.uncachedEfficiency(of: $0) }).arch)
        }
        return WarmSeeds(architectures: seeds)
    }
}
