import OFACore

/// Makes a child from one parent.
public protocol Mutation: Sendable {
    func mutate(_ parent: Architecture, in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture
}

/// OFA's mutation: resample the resolution, each block's kernel and expand together, and each
/// unit's depth, each with probability `probability` (CompOFA spaces move a unit's depth and
/// expand ratios together).
///
/// ```swift
/// let mutation = SpaceMutation(probability: 0.1)
/// ```
public struct SpaceMutation: Mutation {
    public var probability: Double

    public init(probability: Double = 0.1) { self.probability = probability }

    public func mutate(_ parent: Architecture, in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture {
        space.mutate(parent, probability: probability, using: &rng)
    }
}
