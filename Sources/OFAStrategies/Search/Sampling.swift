import OFACore

/// Draws a fresh architecture for an initial population or a random search.
public protocol Sampling: Sendable {
    func sample(in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture
}

/// Samples through the space: OFA's way (each choice uniform and independent, as
/// `ArchManager.random_sample`) by default, or uniformly over all subnets.
///
/// ```swift
/// let sampling = SpaceSampling(.uniform)
/// ```
public struct SpaceSampling: Sampling {
    public enum Distribution: String, Sendable, CaseIterable {
        /// Depth uniform per unit, then each block uniform: OFA's `random_sample`.
        case ofa
        /// Every subnet of the space equally likely.
        case uniform
    }

    public var distribution: Distribution

    public init(_ distribution: Distribution = .ofa) { self.distribution = distribution }

    public func sample(in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture {
        switch distribution {
        case .ofa: space.sample(using: &rng)
        case .uniform: space.sampleUniformly(using: &rng)
        }
    }
}
