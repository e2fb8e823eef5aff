import OFACore

/// An initial population spread evenly over a cost window, for a search whose answer is a whole
/// accuracy–cost trade-off (``NSGA2Search``): the n members aim at n evenly spaced costs from
/// `low` to `high`, both included (`low + i / (n − 1) × (high − low)`); a random sample (the space's own sampling) costing more
/// than its aim is shrunk one random choice at a time (``ShrinkRepair``'s moves) until it fits,
/// then grown (``RandomizedGrowth``) while it still fits. So every member ends just under its aim.
///
/// Why: random subnets crowd the middle of the cost range (on note10 at 160–224 px, about one
/// in 800 is under 15 ms), so a random first population leaves the ends of the front to be found
/// by evolution; at small budgets (1,000 evaluations) that is what the front lacked. Only costs
/// are asked for (`cost`, not memoized: these architectures seldom repeat); no accuracy.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let archs = try CostStratifiedSampling().population(count: 50, low: 15, high: 60, in: space, using: &rng) {
///     try evaluator.uncachedEfficiency(of: $0)
/// }
/// ```
public struct CostStratifiedSampling: Sendable {
    public var sampling: any Sampling

    public init(sampling: any Sampling = SpaceSampling()) { self.sampling = sampling }

    /// `count` architectures, the i-th aimed at `low + i / (count − 1) × (high − low)` (one:
    /// at `high`), with their costs. A member whose shrinking cannot reach its aim (a cost
    /// function that is not monotone) keeps the cheapest cost it reached.
    public func population(count: Int, low: Double, high: Double, in space: any SearchSpace, using rng: inout SeededGenerator,
                           cost: (Architecture) throws -> Double) throws -> [(arch: Architecture, cost: Double)] {
        guard count > 0 else { return [] }
        var out: [(arch: Architecture, cost: Double)] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let aim = count == 1 ? high : low + Double(i) / Double(count - 1) * (high - low)
            var a = sampling.sample(in: space, using: &rng)
            var c = try cost(a)
            while c > aim {
                let moves = ShrinkRepair.shrinkMoves(of: a, in: space)
                if moves.isEmpty { break }
                a = ShrinkRepair.apply(moves[Int.random(in: 0..<moves.count, using: &rng)], to: a, in: space)
                c = try cost(a)
            }
            if c <= aim {
                let grown = try RandomizedGrowth().grow(a, in: space, budget: aim, using: &rng, cost: cost)
                a = grown.arch
                c = grown.cost
            }
            out.append((a, c))
        }
        return out
    }
}
