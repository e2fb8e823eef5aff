import OFACore

/// Makes an over-budget architecture fit: repeatedly lowers one randomly chosen choice by one
/// step (the resolution, a unit's depth, a block's kernel or expand ratio) until the cost is
/// within budget. When every choice is at its minimum and the cost is still too high (a
/// non-monotone predictor), it returns the feasible range's cheapest architecture. It always
/// ends, after at most one step per choice.
///
/// ```swift
/// let (arch, cost) = try ShrinkRepair().repair(child, problem: problem, range: range, using: &rng)
/// ```
public struct ShrinkRepair: Sendable {
    public init() {}

    public func repair(_ arch: Architecture, problem: SearchProblem, range: FeasibleRange,
                       using rng: inout SeededGenerator) throws -> (arch: Architecture, cost: Double) {
        let space = problem.space
        var a = arch
        var cost = try problem.evaluator.efficiency(of: a)
        while cost > problem.budget {
            let moves = Self.shrinkMoves(of: a, in: space)
            if moves.isEmpty { break }
            a = Self.apply(moves[Int.random(in: 0..<moves.count, using: &rng)], to: a, in: space)
            cost = try problem.evaluator.efficiency(of: a)
        }
        if cost > problem.budget { return (range.cheapest, range.minimum) }
        return (a, cost)
    }

    /// One step down of one choice.
    public enum Move: Sendable, Equatable {
        case resolution
        case depth(unit: Int)
        case kernel(block: Int)
        case expand(block: Int)
    }

    /// The choices of `arch` that can still be lowered.
    public static func shrinkMoves(of arch: Architecture, in space: any SearchSpace) -> [Move] {
        var moves: [Move] = []
        if let first = space.resolutions.first, arch.resolution > first { moves.append(.resolution) }
        for unit in 0..<Architecture.unitCount {
            let depth = arch.depth(unit: unit)
            if let first = space.depthChoices.first, depth > first { moves.append(.depth(unit: unit)) }
            let kernels = space.kernelChoices(unit: unit), expands = space.expandChoices(unit: unit, depth: depth)
            for j in 0..<depth {
                let b = unit * Architecture.maxDepth + j
                if arch.kernelSize(block: b) > kernels[0] { moves.append(.kernel(block: b)) }
                if arch.expandRatio(block: b) > expands[0] { moves.append(.expand(block: b)) }
            }
        }
        return moves
    }

    /// `arch` with one choice lowered to the next smaller allowed value.
    public static func apply(_ move: Move, to arch: Architecture, in space: any SearchSpace) -> Architecture {
        func lower(_ x: Int, in choices: [Int]) -> Int { choices.last { $0 < x } ?? choices[0] }
        var a = arch
        switch move {
        case .resolution:
            a.resolution = lower(a.resolution, in: space.resolutions)
        case let .depth(unit):
            let d = lower(a.depth(unit: unit), in: space.depthChoices)
            a.setDepth(unit: unit, to: d) { _ in (0, 0) }
            // Coupled spaces: the unit's expand ratio follows its depth.
            let expands = space.expandChoices(unit: unit, depth: d)
            for j in 0..<d {
                let b = unit * Architecture.maxDepth + j
                if !expands.contains(a.expandRatio(block: b)) {
                    a.setBlock(b, kernel: a.kernelSize(block: b), expand: lower(a.expandRatio(block: b) + 1, in: expands))
                }
            }
        case let .kernel(block):
            let unit = block / Architecture.maxDepth
            a.setBlock(block, kernel: lower(a.kernelSize(block: block), in: space.kernelChoices(unit: unit)), expand: a.expandRatio(block: block))
        case let .expand(block):
            let unit = block / Architecture.maxDepth
            a.setBlock(block, kernel: a.kernelSize(block: block),
                       expand: lower(a.expandRatio(block: block), in: space.expandChoices(unit: unit, depth: a.depth(unit: unit))))
        }
        return a
    }
}
