import OFACore

/// Shrinks an architecture until it fits a smaller budget, as the Top-down sweep of "Efficient
/// Incorporation of Multiple Latency Targets in the Once-For-All Network" (arXiv 2012.06748) does:
/// repeatedly pick one dimension at random (kernel size, depth, expand ratio; optionally the
/// resolution) and lower its next position above that dimension's cap, recomputing the cost
/// after each change. Each dimension walks its positions (blocks for kernel and expand, units for
/// depth) left to right; when its cursor passes the end, its cap falls one step (kernels 7→5→3,
/// depths 4→3→2, expand ratios 6→4→3, resolutions one step at a time) and the walk restarts;
/// below the smallest cap the dimension is dropped. Pruning stops when the cost fits or every
/// dimension is dropped (then ``Outcome/fits`` is false).
///
/// Every space works: in CompOFA spaces the expand ratio follows the depth (there is no separate
/// expand dimension) and fixed kernels are never touched; a value is only ever lowered to one the
/// space allows, so the result stays in the space.
///
/// Differences from the paper's code, none of which changes what it prunes: skipped blocks hold no
/// values here, so the walk passes over them (the paper's walk may spend a pick lowering the hidden
/// value of a skipped block, which changes nothing); the loop is bounded by construction.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let pruning = RandomizedPruning.paper
/// let out = try pruning.prune(best.arch, in: space, budget: 20, using: &rng) { try evaluator.efficiency(of: $0) }
/// out.fits    // true when out.cost <= 20
/// ```
public struct RandomizedPruning: Sendable, Equatable {
    /// A choice the pruning may lower.
    public enum Dimension: String, Sendable, CaseIterable {
        case kernel, depth, expand, resolution
    }

    /// Dimensions offered, where the space lets them move.
    public var dimensions: [Dimension]
    /// Whether at least one change is made even when the architecture already fits (the paper
    /// starts its loop with an infinite cost, so it always prunes once).
    public var pruneWhenFitting: Bool

    public init(dimensions: [Dimension], pruneWhenFitting: Bool) {
        self.dimensions = dimensions
        self.pruneWhenFitting = pruneWhenFitting
    }

    /// The paper's pruning: kernel, depth and expand ratio; the resolution stays; always prunes.
    public static let paper = RandomizedPruning(dimensions: [.kernel, .depth, .expand], pruneWhenFitting: true)
    /// The corrected pruning: the resolution may fall too; an architecture that fits is kept.
    public static let improved = RandomizedPruning(dimensions: [.kernel, .depth, .expand, .resolution], pruneWhenFitting: false)

    /// What a pruning produced.
    public struct Outcome: Sendable, Equatable {
        public var arch: Architecture
        public var cost: Double
        /// Whether `cost` is within the budget.
        public var fits: Bool
        /// Choices lowered.
        public var changes: Int
        /// Dimension picks made (changes plus picks that found nothing to lower).
        public var picks: Int
    }

    /// Prunes `arch` until `cost(arch) <= budget` or nothing more can be lowered.
    public func prune(_ arch: Architecture, in space: any SearchSpace, budget: Double,
                      using rng: inout SeededGenerator, cost: (Architecture) throws -> Double) throws -> Outcome {
        var a = arch
        var ladders = self.ladders(in: space)
        var current = pruneWhenFitting ? Double.infinity : try cost(a)
        var changes = 0, picks = 0
        while current > budget, !ladders.isEmpty {
            let pick = Int.random(in: 0..<ladders.count, using: &rng)
            picks += 1
            if ladders[pick].cursor >= ladders[pick].positions {
                ladders[pick].cursor = 0
                ladders[pick].capIndex -= 1
            }
            if ladders[pick].capIndex < 0 {
                ladders.remove(at: pick)
                continue
            }
            if Self.lowerNext(&ladders[pick], in: &a, space: space) {
                changes += 1
                current = try cost(a)
            }
        }
        let final = try cost(a)
        return Outcome(arch: a, cost: final, fits: final <= budget, changes: changes, picks: picks)
    }

    /// One dimension's walk: its falling caps, the current cap and the cursor.
    struct Ladder {
        var dimension: Dimension
        /// Allowed values, ascending; the cap is `caps[capIndex]`.
        var caps: [Int]
        var capIndex: Int
        var positions: Int
        var cursor = 0
    }

    /// The ladders of the dimensions that can move in `space`, in `dimensions` order.
    func ladders(in space: any SearchSpace) -> [Ladder] {
        var out: [Ladder] = []
        for d in dimensions {
            let caps: [Int], positions: Int
            switch d {
            case .kernel:
                // Units with a single kernel (CompOFA's fixed kernels) never move.
                caps = Set((0..<Architecture.unitCount).flatMap { u in
                    let k = space.kernelChoices(unit: u)
                    return k.count > 1 ? k : []
                }).sorted()
                positions = Architecture.blockCount
            case .depth:
                caps = space.depthChoices.sorted()
                positions = Architecture.unitCount
            case .expand:
                // Coupled spaces move the expand ratio with the depth.
                if space.couplesDepthAndExpand { continue }
                caps = Set((0..<Architecture.unitCount).flatMap { u in
                    space.depthChoices.flatMap { space.expandChoices(unit: u, depth: $0) }
                }).sorted()
                positions = Architecture.blockCount
            case .resolution:
                caps = space.resolutions.sorted()
                positions = 1
            }
            if caps.count >= 2 { out.append(Ladder(dimension: d, caps: caps, capIndex: caps.count - 2, positions: positions)) }
        }
        return out
    }

    /// Lowers the first position at or after the cursor whose value is above the cap (to the
    /// largest allowed value not above it) and moves the cursor past it. Returns false, with the
    /// cursor at the end, when there is none.
    static func lowerNext(_ ladder: inout Ladder, in a: inout Architecture, space: any SearchSpace) -> Bool {
        let cap = ladder.caps[ladder.capIndex]
        func target(_ value: Int, _ allowed: [Int]) -> Int? {
            guard value > cap, let t = allowed.last(where: { $0 <= cap }), t < value else { return nil }
            return t
        }
        while ladder.cursor < ladder.positions {
            let p = ladder.cursor
            ladder.cursor += 1
            switch ladder.dimension {
            case .kernel:
                guard a.isActive(block: p), let k = target(a.kernelSize(block: p), space.kernelChoices(unit: p / Architecture.maxDepth).sorted()) else { continue }
                a.setBlock(p, kernel: k, expand: a.expandRatio(block: p))
                return true
            case .expand:
                let unit = p / Architecture.maxDepth
                guard a.isActive(block: p),
                      let e = target(a.expandRatio(block: p), space.expandChoices(unit: unit, depth: a.depth(unit: unit)).sorted()) else { continue }
                a.setBlock(p, kernel: a.kernelSize(block: p), expand: e)
                return true
            case .depth:
                guard let d = target(a.depth(unit: p), space.depthChoices.sorted()) else { continue }
                a.setDepth(unit: p, to: d) { _ in (0, 0) }
                let expands = space.expandChoices(unit: p, depth: d)
                for j in 0..<d {
                    let b = p * Architecture.maxDepth + j
                    if !expands.contains(a.expandRatio(block: b)) {
                        // Coupled spaces: the unit's expand ratio follows its depth.
                        a.setBlock(b, kernel: a.kernelSize(block: b), expand: expands.filter { $0 <= a.expandRatio(block: b) }.max() ?? expands.min()!)
                    }
                }
                return true
            case .resolution:
                guard let r = target(a.resolution, space.resolutions.sorted()) else { continue }
                a.resolution = r
                return true
            }
        }
        return false
    }
}
