import OFACore

/// Makes a child from two parents.
public protocol Crossover: Sendable {
    func cross(_ a: Architecture, _ b: Architecture, in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture
}

/// OFA's uniform crossover: every choice from either parent with equal odds (CompOFA spaces take
/// each unit whole from one parent).
public struct SpaceCrossover: Crossover {
    public init() {}

    public func cross(_ a: Architecture, _ b: Architecture, in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture {
        space.crossover(a, b, using: &rng)
    }
}
