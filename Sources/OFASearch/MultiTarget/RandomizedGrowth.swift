/// Grows an architecture toward a larger budget, the mirror of ``RandomizedPruning`` for the
/// improved Bottom-up sweep: repeatedly raise one randomly chosen choice by one step (the
/// resolution, a unit's depth, a block's kernel size or expand ratio) and keep the change when the
/// cost stays within the budget; a move that does not fit is not tried again. It ends when no
/// move is left, after at most one try per move offered.
///
/// A deeper unit's new block takes the smallest kernel and expand ratio the space allows (CompOFA:
/// the unit's expand ratio follows its depth), so the result stays in the space.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let out = try RandomizedGrowth().grow(arch, in: space, budget: 30, using: &rng) { try evaluator.efficiency(of: $0) }
/// out.cost   // <= 30 when arch fitted
/// ```
public struct RandomizedGrowth: Sendable {
    public init() {}

    enum Move: Hashable {
        case resolution
        case depth(unit: Int)
        case kernel(block: Int)
        case expand(block: Int)
    }

    /// Grows `arch` within `budget`; an architecture over budget is returned as it is.
    public func grow(_ arch: Architecture, in space: any SearchSpace, budget: Double, using rng: inout SeededGenerator,
                     cost: (Architecture) throws -> Double) throws -> RandomizedPruning.Outcome {
        var a = arch
        var current = try cost(a)
        var changes = 0, picks = 0
        var failed = Set<Move>()
        while current <= budget {
            let moves = Self.moves(of: a, in: space).filter { !failed.contains($0) }
            if moves.isEmpty { break }
            let move = moves[Int.random(in: 0..<moves.count, using: &rng)]
            picks += 1
            let b = Self.apply(move, to: a, in: space)
            let c = try cost(b)
            if c <= budget {
                a = b
                current = c
                changes += 1
            } else {
                failed.insert(move)
            }
        }
        return .init(arch: a, cost: current, fits: current <= budget, changes: changes, picks: picks)
    }

    /// The choices of `a` that can still be raised.
    static func moves(of a: Architecture, in space: any SearchSpace) -> [Move] {
        var out: [Move] = []
        if let top = space.resolutions.max(), a.resolution < top { out.append(.resolution) }
        for unit in 0..<Architecture.unitCount {
            let depth = a.depth(unit: unit)
            if let top = space.depthChoices.max(), depth < top { out.append(.depth(unit: unit)) }
            let kernels = space.kernelChoices(unit: unit)
            let expands = space.couplesDepthAndExpand ? [] : space.expandChoices(unit: unit, depth: depth)
            for j in 0..<depth {
                let b = unit * Architecture.maxDepth + j
                if kernels.contains(where: { $0 > a.kernelSize(block: b) }) { out.append(.kernel(block: b)) }
                if expands.contains(where: { $0 > a.expandRatio(block: b) }) { out.append(.expand(block: b)) }
            }
        }
        return out
    }

    /// `a` with one choice raised to the next larger allowed value.
    static func apply(_ move: Move, to a: Architecture, in space: any SearchSpace) -> Architecture {
        func raise(_ x: Int, in choices: [Int]) -> Int { choices.sorted().first { $0 > x } ?? x }
        var b = a
        switch move {
        case .resolution:
            b.resolution = raise(a.resolution, in: space.resolutions)
        case let .depth(unit):
            let d = raise(a.depth(unit: unit), in: space.depthChoices)
            let expands = space.expandChoices(unit: unit, depth: d)
            let kernel = space.kernelChoices(unit: unit).min()!, expand = expands.min()!
            b.setDepth(unit: unit, to: d) { _ in (kernel, expand) }
            for j in 0..<d {
                let blk = unit * Architecture.maxDepth + j
                // Coupled spaces: the unit's expand ratio follows its depth.
                if !expands.contains(b.expandRatio(block: blk)) { b.setBlock(blk, kernel: b.kernelSize(block: blk), expand: expand) }
            }
        case let .kernel(block):
            b.setBlock(block, kernel: raise(a.kernelSize(block: block), in: space.kernelChoices(unit: block / Architecture.maxDepth)),
                       expand: a.expandRatio(block: block))
        case let .expand(block):
            let unit = block / Architecture.maxDepth
            b.setBlock(block, kernel: a.kernelSize(block: block),
                       expand: raise(a.expandRatio(block: block), in: space.expandChoices(unit: unit, depth: a.depth(unit: unit))))
        }
        return b
    }
}
