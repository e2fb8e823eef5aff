import OFACore

/// Hill climbing from a subnet within the budget: its neighbours differ in one choice (a block's
/// kernel size or expand ratio, a unit's depth, the resolution) or in two; the climb moves to the
/// best neighbour of a chunk that beats the current subnet, and stops when no neighbour within
/// the budget does (a local optimum for one- and two-choice moves) or its evaluations are spent.
///
/// Evolutionary search finds the region of the optimum but not its last tenths of a point: near a
/// tight budget the best subnets differ from its answer by a trade (one choice up, another down),
/// which a mutation that resamples every choice with probability 0.1 rarely proposes. The
/// two-choice moves are those trades. Every neighbour is evaluated at most once per climb;
/// over-budget neighbours are never evaluated.
///
/// ```swift
/// let start = try EvolutionarySearch(generations: 400).search(problem, seed: 1).best
/// let climb = try LocalSearch(evaluations: 10_000).climb(from: start, in: problem, seed: 1)
/// climb.best.accuracy >= start.accuracy   // true
/// ```
public struct LocalSearch: Sendable {
    /// Accuracy evaluations the climb may spend (distinct neighbours).
    public var evaluations: Int
    /// Two-choice moves once no one-choice move improves.
    public var pairs = true
    /// Neighbours evaluated together (one batched prediction) before the climb may move.
    public var chunk = 512

    public init(evaluations: Int) {
        self.evaluations = evaluations
    }

    /// What a climb found and spent.
    public struct Climb {
        public var best: Candidate
        /// Distinct neighbours evaluated.
        public var evaluations: Int
        /// Moves made (each to a better subnet).
        public var moves: Int
    }

    /// Climbs from `start` (an evaluated subnet within `problem.budget`); neighbours are taken in
    /// an order drawn from `seed`.
    public func climb(from start: Candidate, in problem: SearchProblem, seed: UInt64) throws -> Climb {
        var rng = SeededGenerator(seed: seed, stream: 0x10ca1)
        var current = start
        var seen: Set<Architecture> = [start.arch]
        var spent = 0, moves = 0
        // Each pass ends with a move (back to one-choice moves from the better subnet), or with no
        // better neighbour at any level: a local optimum.
        search: while spent < evaluations {
            for level in pairs ? [1, 2] : [1] {
                var candidates = Self.neighbours(of: current.arch, in: problem.space, choices: level).filter { !seen.contains($0) }
                candidates.shuffle(using: &rng)
                var offset = 0
                while offset < candidates.count, spent < evaluations {
                    // Cost first (cheap); only neighbours within the budget are evaluated. A
                    // neighbour counts as seen once costed: those a move skipped stay open.
                    var archs: [Architecture] = [], costs: [Double] = []
                    while offset < candidates.count, archs.count < min(chunk, evaluations - spent) {
                        let a = candidates[offset]
                        offset += 1
                        guard seen.insert(a).inserted else { continue }
                        let cost = try problem.evaluator.efficiency(of: a, remember: false)
                        if cost <= problem.budget { archs.append(a); costs.append(cost) }
                    }
                    guard !archs.isEmpty else { continue }
                    let accuracies = try problem.evaluator.accuracies(of: archs)
                    spent += archs.count
                    if let i = accuracies.indices.max(by: { accuracies[$0] < accuracies[$1] }), accuracies[i] > current.accuracy {
                        current = Candidate(arch: archs[i], accuracy: accuracies[i], efficiency: costs[i])
                        moves += 1
                        continue search
                    }
                }
                if spent >= evaluations { break search }
            }
            break
        }
        return Climb(best: current, evaluations: spent, moves: moves)
    }

    /// The subnets of `space` that differ from `arch` in `choices` (1 or 2) of its choices, each
    /// once. A unit's depth is one choice: a unit that grows repeats its last block in the new
    /// ones, or, one block deeper, takes any settings for the new block.
    public static func neighbours(of arch: Architecture, in space: any SearchSpace, choices: Int) -> [Architecture] {
        let single = moves(of: arch, in: space)
        guard choices == 2 else { return single.map(\.arch) }
        var out: [Architecture] = []
        var taken: Set<Architecture> = [arch]
        for m in single { taken.insert(m.arch) }
        for (i, first) in single.enumerated() {
            for second in single[(i + 1)...] where second.position != first.position {
                var a = first.arch
                second.apply(&a, space)
                if space.contains(a), taken.insert(a).inserted { out.append(a) }
            }
        }
        return out
    }

    /// One changed choice: where (so that two moves of one pair change different choices), the
    /// neighbour it makes of the climb's subnet, and how to make the same change in another.
    private struct Move {
        var position: Int
        var arch: Architecture
        var apply: (inout Architecture, any SearchSpace) -> Void
    }

    private static func moves(of arch: Architecture, in space: any SearchSpace) -> [Move] {
        var out: [Move] = []
        var made: Set<Architecture> = [arch]
        func add(_ position: Int, _ change: @escaping (inout Architecture, any SearchSpace) -> Void) {
            var a = arch
            change(&a, space)
            if space.contains(a), made.insert(a).inserted { out.append(Move(position: position, arch: a, apply: change)) }
        }
        for r in space.resolutions where r != arch.resolution {
            add(-1) { a, _ in a.resolution = r }
        }
        for u in 0..<Architecture.unitCount {
            let depth = arch.depth(unit: u)
            for d in space.depthChoices where d != depth {
                add(1_000 + u) { a, s in Self.setDepth(&a, unit: u, to: d, in: s) }
            }
            // A unit one block deeper, the new block with each of its own settings (the copy of
            // the last block is among the moves above).
            if space.depthChoices.contains(depth + 1) {
                let expands = space.couplesDepthAndExpand ? [nil] : space.expandChoices(unit: u, depth: depth + 1).map(Optional.some)
                for k in space.kernelChoices(unit: u) {
                    for e in expands {
                        add(1_000 + u) { a, s in
                            Self.setDepth(&a, unit: u, to: depth + 1, in: s)
                            let b = u * Architecture.maxDepth + depth
                            a.setBlock(b, kernel: k, expand: e ?? a.expandRatio(block: b))
                        }
                    }
                }
            }
            for j in 0..<depth {
                let b = u * Architecture.maxDepth + j
                for k in space.kernelChoices(unit: u) where k != arch.kernelSize(block: b) {
                    add(2 * b) { a, _ in a.setBlock(b, kernel: k, expand: a.expandRatio(block: b)) }
                }
                guard !space.couplesDepthAndExpand else { continue }
                for e in space.expandChoices(unit: u, depth: depth) where e != arch.expandRatio(block: b) {
                    add(2 * b + 1) { a, _ in a.setBlock(b, kernel: a.kernelSize(block: b), expand: e) }
                }
            }
        }
        return out
    }

    /// A unit's new depth; new blocks repeat the unit's last block, and a space that couples
    /// depth and expand ratio gets the expand ratio of the new depth in every block.
    private static func setDepth(_ a: inout Architecture, unit u: Int, to d: Int, in space: any SearchSpace) {
        let last = u * Architecture.maxDepth + a.depth(unit: u) - 1
        let kernel = a.kernelSize(block: last), expand = a.expandRatio(block: last)
        a.setDepth(unit: u, to: d) { _ in (kernel, expand) }
        guard space.couplesDepthAndExpand, let e = space.expandChoices(unit: u, depth: d).first else { return }
        for j in 0..<d {
            let b = u * Architecture.maxDepth + j
            a.setBlock(b, kernel: a.kernelSize(block: b), expand: e)
        }
    }
}
