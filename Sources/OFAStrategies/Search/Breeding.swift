import OFACore

/// What a generational search breeds with, shared by ``EvolutionarySearch`` and
/// ``NSGA2Search``: the population size, when to stop, the sampling, mutation and crossover
/// operators, the share of children made by mutation, and how many draws a child gets before an
/// over-budget one is repaired. Both searches read and write these as their own properties
/// (`ea.termination = .generations(100)`, `nsga2.maxTries = 500`) through dynamic member lookup.
public struct Breeding: Sendable {
    public var population: Int
    public var termination: Termination
    /// Share of the children made by mutation; the rest by crossover.
    public var mutationRatio: Double
    public var sampling: any Sampling = SpaceSampling()
    public var mutation: any Mutation
    public var crossover: any Crossover = SpaceCrossover()
    /// Draws per child before an over-budget one is repaired.
    public var maxTries: Int

    public init(population: Int, generations: Int, mutationRatio: Double, mutationProbability: Double, maxTries: Int) {
        self.population = population
        self.termination = .generations(generations)
        self.mutationRatio = mutationRatio
        self.mutation = SpaceMutation(probability: mutationProbability)
        self.maxTries = maxTries
    }

    /// Children made by mutation in each generation (rounded half to even, as Python's `round`).
    public var mutationCount: Int { Self.share(mutationRatio, of: population) }

    /// `share` of `count`, rounded half to even (as Python's `round`).
    static func share(_ share: Double, of count: Int) -> Int { Int((share * Double(count)).rounded(.toNearestOrEven)) }
}

/// A search that breeds with ``Breeding``; its settings read as the search's own.
@dynamicMemberLookup
public protocol BreedingSearch: SearchStrategy {
    var breeding: Breeding { get set }
}

extension BreedingSearch {
    public subscript<T>(dynamicMember setting: WritableKeyPath<Breeding, T>) -> T {
        get { breeding[keyPath: setting] }
        set { breeding[keyPath: setting] = newValue }
    }
}
