import OFACore

/// The cheapest and the dearest cost a space can reach under an efficiency predictor, with
/// architectures that reach them.
///
/// The search starts from the smallest (largest) subnet at each resolution, which is the
/// optimum under a monotone cost such as MACs or a well-behaved look-up table, and then moves
/// one choice at a time (resolution, a unit's depth, a block's kernel and expand) while that
/// lowers (raises) the cost, so a measured table with a few non-monotone entries or a learned
/// predictor is still handled: the result is a local optimum that is never worse than the
/// smallest subnet, and ``cheapest`` always has cost ``minimum``.
///
/// ```swift
/// let range = try problem.feasibleRange()
/// range.minimum   // e.g. 9.89 ms for ofa-mbv3-w1.2 on note10
/// ```
public struct FeasibleRange: Sendable, Equatable {
    public let minimum: Double
    public let cheapest: Architecture
    public let maximum: Double
    public let dearest: Architecture

    public init(minimum: Double, cheapest: Architecture, maximum: Double, dearest: Architecture) {
        self.minimum = minimum
        self.cheapest = cheapest
        self.maximum = maximum
        self.dearest = dearest
    }

    init(space: any SearchSpace, evaluator: Evaluator) throws {
        var low: (arch: Architecture, cost: Double)?
        var high: (arch: Architecture, cost: Double)?
        for r in space.resolutions {
            let a = try Self.climb(from: space.smallest(resolution: r), in: space, evaluator: evaluator, sign: 1)
            if low == nil || a.cost < low!.cost { low = a }
            let b = try Self.climb(from: space.largest(resolution: r), in: space, evaluator: evaluator, sign: -1)
            if high == nil || b.cost > high!.cost { high = b }
        }
        self.init(minimum: low!.cost, cheapest: low!.arch, maximum: high!.cost, dearest: high!.arch)
    }

    /// Greedy descent of `sign * cost` over single-choice moves, each pass evaluated as one batch.
    private static func climb(from start: Architecture, in space: any SearchSpace, evaluator: Evaluator,
                              sign: Double) throws -> (arch: Architecture, cost: Double) {
        var current = start
        var cost = try evaluator.efficiency(of: start)
        for _ in 0..<100 {
            let moves = neighbours(of: current, in: space, toward: sign > 0 ? { $0.first! } : { $0.last! })
            let costs = try evaluator.efficiencies(of: moves)
            var best = -1
            for i in costs.indices where sign * costs[i] < sign * (best < 0 ? cost : costs[best]) { best = i }
            if best < 0 { break }
            current = moves[best]
            cost = costs[best]
        }
        return (current, cost)
    }

    /// Every architecture one choice away from `arch`; blocks a deeper unit adds take `pick` of
    /// the allowed kernels and expand ratios.
    static func neighbours(of arch: Architecture, in space: any SearchSpace, toward pick: ([Int]) -> Int) -> [Architecture] {
        var out: [Architecture] = []
        for r in space.resolutions where r != arch.resolution {
            var a = arch
            a.resolution = r
            out.append(a)
        }
        for unit in 0..<Architecture.unitCount {
            let depth = arch.depth(unit: unit)
            for d in space.depthChoices where d != depth {
                var a = arch
                let kernel = pick(space.kernelChoices(unit: unit))
                let expands = space.expandChoices(unit: unit, depth: d)
                a.setDepth(unit: unit, to: d) { _ in (kernel, pick(expands)) }
                for j in 0..<d {
                    let b = unit * Architecture.maxDepth + j
                    if !expands.contains(a.expandRatio(block: b)) { a.setBlock(b, kernel: a.kernelSize(block: b), expand: pick(expands)) }
                }
                out.append(a)
            }
            let kernels = space.kernelChoices(unit: unit), expands = space.expandChoices(unit: unit, depth: depth)
            for j in 0..<depth {
                let b = unit * Architecture.maxDepth + j
                for k in kernels {
                    for e in expands where k != arch.kernelSize(block: b) || e != arch.expandRatio(block: b) {
                        var a = arch
                        a.setBlock(b, kernel: k, expand: e)
                        out.append(a)
                    }
                }
            }
        }
        return out
    }
}
