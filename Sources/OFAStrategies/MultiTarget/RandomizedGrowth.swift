import OFACore

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

        static let count = 1 + Architecture.unitCount + 2 * Architecture.blockCount
        var id: Int {
            switch self {
            case .resolution: 0
            case let .depth(unit): 1 + unit
            case let .kernel(block): 1 + Architecture.unitCount + block
            case let .expand(block): 1 + Architecture.unitCount + Architecture.blockCount + block
            }
        }
    }

    /// Grows `arch` within `budget`; an architecture over budget is returned as it is.
    public func grow(_ arch: Architecture, in space: any SearchSpace, budget: Double, using rng: inout SeededGenerator,
                     cost: (Architecture) throws -> Double) throws -> RandomizedPruning.Outcome {
        var a = arch
        var current = try cost(a)
        var changes = 0, picks = 0
        let limits = Limits(space)
        var failed = [Bool](repeating: false, count: Move.count)
        var moves: [Move] = []
        moves.reserveCapacity(Move.count)
        var stale = true
        while current <= budget {
            // The list only changes when the architecture does; a failed move just leaves it.
            if stale {
                limits.moves(of: a, into: &moves)
                moves.removeAll { failed[$0.id] }
                stale = false
            }
            if moves.isEmpty { break }
            let pick = Int.random(in: 0..<moves.count, using: &rng)
            let move = moves[pick]
            picks += 1
            let b = Self.apply(move, to: a, in: space)
            let c = try cost(b)
            if c <= budget {
                a = b
                current = c
                changes += 1
                stale = true
            } else {
                failed[move.id] = true
                moves.remove(at: pick)
            }
        }
        return .init(arch: a, cost: current, fits: current <= budget, changes: changes, picks: picks)
    }

    /// The choices of `a` that can still be raised.
    static func moves(of a: Architecture, in space: any SearchSpace) -> [Move] {
        var out: [Move] = []
        Limits(space).moves(of: a, into: &out)
        return out
    }

    /// The largest value of each choice in a space, read once per growth (the move list is
    /// rebuilt after every change).
    struct Limits {
        var resolution: Int
        var depth: Int
        var kernel: [Int]
        /// Per unit, per depth 1...4 (index depth - 1); 0 when the space couples expand to depth.
        var expand: [[Int]]

        init(_ space: any SearchSpace) {
            resolution = space.resolutions.max() ?? 0
            depth = space.depthChoices.max() ?? 0
            kernel = (0..<Architecture.unitCount).map { space.kernelChoices(unit: $0).max() ?? 0 }
            expand = (0..<Architecture.unitCount).map { u in
                (1...Architecture.maxDepth).map { d in space.couplesDepthAndExpand ? 0 : (space.expandChoices(unit: u, depth: d).max() ?? 0) }
            }
        }

        func moves(of a: Architecture, into out: inout [Move]) {
            out.removeAll(keepingCapacity: true)
            if a.resolution < resolution { out.append(.resolution) }
            for unit in 0..<Architecture.unitCount {
                let d = a.depth(unit: unit)
                if d < depth { out.append(.depth(unit: unit)) }
                let kMax = kernel[unit], eMax = expand[unit][d - 1]
                for j in 0..<d {
                    let b = unit * Architecture.maxDepth + j
                    if a.kernelSize(block: b) < kMax { out.append(.kernel(block: b)) }
                    if a.expandRatio(block: b) < eMax { out.append(.expand(block: b)) }
                }
            }
        }
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
