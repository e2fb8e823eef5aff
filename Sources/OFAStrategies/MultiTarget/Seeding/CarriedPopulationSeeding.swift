import OFACore

/// The paper's Bottom-up: the previous final population, unchanged (all of it fits the larger
/// budget).
///
/// ```swift
/// let seeds = try CarriedPopulationSeeding().seed(stage, using: &rng).architectures
/// ```
public struct CarriedPopulationSeeding: WarmStartSeeding {
    public init() {}

    public func seed(_ stage: WarmStart, using rng: inout SeededGenerator) throws -> WarmSeeds {
        WarmSeeds(architectures: stage.previous.population.map(\.arch))
    }
}
