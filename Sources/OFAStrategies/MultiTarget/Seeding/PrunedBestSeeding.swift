import OFACore

/// The paper's Top-down: the previous best pruned once (``RandomizedPruning/paper``, even when it
/// already fits), the population identical copies of it. The paper prunes the previous best's
/// dict in place, so the seeds say that the previous result now shows the pruned architecture.
///
/// ```swift
/// let seeds = try PrunedBestSeeding().seed(stage, using: &rng)
/// seeds.overwritesPreviousBest   // the pruned architecture
/// ```
public struct PrunedBestSeeding: WarmStartSeeding {
    public var pruning: RandomizedPruning

    public init(pruning: RandomizedPruning = .paper) { self.pruning = pruning }

    public func seed(_ stage: WarmStart, using rng: inout SeededGenerator) throws -> WarmSeeds {
        let best = stage.previous.best.arch
        let o = try pruning.prune(best, in: stage.space, budget: stage.budget, using: &rng, cost: stage.cost)
        return WarmSeeds(architectures: Array(repeating: o.arch, count: stage.population),
                         pruning: .init(from: [best], outcomes: [o]), overwritesPreviousBest: o.arch)
    }
}
