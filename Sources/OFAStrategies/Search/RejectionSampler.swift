import OFACore

/// Draws feasible candidates: up to `maxTries` draws of an operator, each checked against the
/// budget (OFA's rejection loop, bounded), then a constructive ``ShrinkRepair`` of the last draw.
struct RejectionSampler {
    let problem: SearchProblem
    // The hot path reads these rather than `problem`, whose existential space would be copied
    // (retained and released) on every access.
    private let evaluator: Evaluator
    private let budget: Double
    let range: FeasibleRange
    let maxTries: Int
    let repair: ShrinkRepair
    private(set) var rejected = 0
    private(set) var repaired = 0

    init(problem: SearchProblem, range: FeasibleRange, maxTries: Int, repair: ShrinkRepair = ShrinkRepair()) {
        self.problem = problem
        self.evaluator = problem.evaluator
        self.budget = problem.budget
        self.range = range
        self.maxTries = max(1, maxTries)
        self.repair = repair
    }

    /// Draws with `make` until a candidate fits (at most `maxTries` draws), else repairs the last
    /// one. `remember` tells whether rejected candidates' costs are worth memoizing (variations of
    /// a few parents repeat; fresh samples of a large space do not).
    mutating func draw(remember: Bool = true, using rng: inout SeededGenerator,
                       _ make: (inout SeededGenerator) -> Architecture) throws -> (arch: Architecture, cost: Double) {
        var candidate = make(&rng)
        var tries = 1
        while true {
            let cost = try evaluator.efficiency(of: candidate, remember: remember)
            if cost <= budget { return (candidate, cost) }
            rejected += 1
            if tries == maxTries { break }
            candidate = make(&rng)
            tries += 1
        }
        return try fit(candidate, using: &rng)
    }

    /// Up to `tries` draws of `make` for a candidate that costs at most `limit` (and fits the
    /// budget), else ``draw(remember:using:_:)`` under the budget (a parent at the space's
    /// cheapest cost may have no variation within its limit). Only draws over the budget count as
    /// ``rejected``.
    mutating func draw(within limit: Double, tries: Int, using rng: inout SeededGenerator,
                       _ make: (inout SeededGenerator) -> Architecture) throws -> (arch: Architecture, cost: Double) {
        for _ in 0..<tries {
            let candidate = make(&rng)
            let cost = try evaluator.efficiency(of: candidate)
            if cost <= min(budget, limit) { return (candidate, cost) }
            if cost > budget { rejected += 1 }
        }
        return try draw(using: &rng, make)
    }

    /// `arch` itself when it fits, else repaired.
    mutating func fit(_ arch: Architecture, using rng: inout SeededGenerator) throws -> (arch: Architecture, cost: Double) {
        let cost = try evaluator.efficiency(of: arch)
        if cost <= budget { return (arch, cost) }
        repaired += 1
        return try repair.repair(arch, problem: problem, range: range, using: &rng)
    }
}

/// Seconds since `start` on a monotonic clock.
@inline(__always)
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

extension RejectionSampler {
    /// One generation's children, replacing `archs`/`costs`: `mutants` by mutation of a parent,
    /// then crossover of two parents up to `population`; each child is redrawn until it fits.
    /// `parent` picks a parent (uniformly from the elite, by tournament, ...).
    mutating func breed(population: Int, mutants: Int, mutation: any Mutation, crossover: any Crossover,
                        in space: any SearchSpace, using rng: inout SeededGenerator,
                        parent: (inout SeededGenerator) -> Architecture,
                        into archs: inout [Architecture], costs: inout [Double]) throws {
        archs.removeAll(keepingCapacity: true)
        costs.removeAll(keepingCapacity: true)
        for _ in 0..<mutants {
            let p = parent(&rng)
            let c = try draw(using: &rng) { mutation.mutate(p, in: space, using: &$0) }
            archs.append(c.arch); costs.append(c.cost)
        }
        for _ in mutants..<max(mutants, population) {
            let a = parent(&rng), b = parent(&rng)
            let c = try draw(using: &rng) { crossover.cross(a, b, in: space, using: &$0) }
            archs.append(c.arch); costs.append(c.cost)
        }
    }
}
