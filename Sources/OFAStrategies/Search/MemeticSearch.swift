import OFACore

/// Evolutionary search with restarts, then ``LocalSearch`` climbs from the restarts' answers: the
/// searches find regions of the optimum, the climbs their last tenths of a point. For when
/// accuracy is cheap and the answer matters; docs/surrogate.md measures it against OFA's search
/// at OFA's 50,100 evaluations per target.
///
/// The budget is OFA's, population × (generations + 1) accuracy requests (50,100 at P = 100,
/// N = 500). OFA's search stops improving after 25 to 200 of its 500 generations (its
/// population converges on one region), so all but `climbEvaluations` of the budget go to
/// restarts: each runs until its best has not improved for `stall` generations (the first with
/// the search's own seed), while a whole restart still fits. Then each restart's answer, best
/// first, is climbed with what is left (a climb ends earlier at a local optimum).
///
/// ```swift
/// let memetic = MemeticSearch(evolution: EvolutionarySearch(generations: 500), climbEvaluations: 10_000)
/// let result = try memetic.search(problem, seed: 1)   // at most 50,100 evaluations
/// ```
public struct MemeticSearch: SearchStrategy {
    public var name: String { "memetic" }
    /// One restart's search; its population × (its generations + 1) is the whole budget.
    public var evolution: EvolutionarySearch
    /// Generations without a better best that end a restart.
    public var stall: Int
    public var climb: LocalSearch

    public init(evolution: EvolutionarySearch = EvolutionarySearch(), stall: Int = Defaults.stall,
                climbEvaluations: Int = Defaults.climbEvaluations) {
        self.evolution = evolution
        self.stall = stall
        self.climb = LocalSearch(evaluations: climbEvaluations)
    }

    public enum Defaults {
        public static let stall = 10
        public static let climbEvaluations = 10_000
    }

    /// The most climbing evaluations accepted.
    public static let maxClimbEvaluations = 10_000_000

    /// The budget: population × (generations + 1) accuracy requests, restarts and climbs together.
    public var evaluations: Int { evolution.population * ((evolution.termination.generations ?? 0) + 1) }

    public func validate() throws {
        try evolution.validate()
        guard evolution.termination.generations != nil else { throw SearchError.invalidSetting("memetic search needs a number of generations") }
        try SearchSettings.check("stall", stall, 1...SearchSettings.maxGenerations)
        try SearchSettings.check("climb evaluations", climb.evaluations, 0...Self.maxClimbEvaluations)
    }

    public func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        try validate()
        let start = ContinuousClock.now
        let base = problem.evaluator.beginRun()
        var result = try problem.evaluator.asOneRun { try restartsAndClimbs(problem, seed: seed) }
        result.counts = problem.evaluator.counts.since(base)
        result.seconds = secondsSince(start)
        return result
    }

    private func restartsAndClimbs(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        let population = evolution.population
        // The climbs' share comes out of the budget; the restarts get the rest (one at least).
        let restartBudget = max(population, evaluations - climb.evaluations)
        var answers: [SearchResult] = []
        var spent = 0
        // A restart needs room for its initial population and `stall` generations.
        while answers.isEmpty || restartBudget - spent >= population * (stall + 1) {
            var run = evolution
            run.termination = Termination(generations: evolution.termination.generations,
                                          evaluations: max(1, restartBudget - spent - population + 1), stall: stall)
            var r = try run.search(problem, seed: answers.isEmpty ? seed : Self.restartSeed(seed, answers.count))
            r.history = r.history.map { .init(generation: $0.generation, evaluations: $0.evaluations + spent,
                                              accuracy: $0.accuracy, efficiency: $0.efficiency) }
            spent += r.counts.accuracyRequests
            answers.append(r)
        }
        var result = Self.merge(answers)
        // The climbs: what the restarts left of the budget.
        var budget = max(0, evaluations - spent)
        var front = ParetoFront(result.front)
        for (k, r) in answers.enumerated().sorted(by: { $0.element.best.accuracy > $1.element.best.accuracy }) where budget > 0 {
            var local = climb
            local.evaluations = budget
            let c = try local.climb(from: r.best, in: problem, seed: Self.restartSeed(seed, k))
            budget -= c.evaluations
            spent += c.evaluations
            front.insert(c.best)
            if c.best.accuracy > result.best.accuracy { result.best = c.best }
            result.generations += 1
            result.history.append(.init(generation: result.generations, evaluations: spent,
                                        accuracy: result.best.accuracy, efficiency: result.best.efficiency))
        }
        result.front = front.members
        return result
    }

    /// The restarts as one result: the best answer, histories joined as one best-so-far
    /// (generations numbered on), the last restart's population.
    private static func merge(_ runs: [SearchResult]) -> SearchResult {
        var out = runs[0]
        out.strategy = "memetic"
        for r in runs.dropFirst() {
            let offset = out.generations + 1
            for h in r.history {
                let last = out.history[out.history.count - 1]
                let better = h.accuracy > last.accuracy
                out.history.append(.init(generation: h.generation + offset, evaluations: h.evaluations,
                                         accuracy: better ? h.accuracy : last.accuracy, efficiency: better ? h.efficiency : last.efficiency))
            }
            out.generations += r.generations + 1
            out.rejected += r.rejected
            out.repaired += r.repaired
            out.front = ParetoFront(out.front + r.front).members
            out.population = r.population
            if r.best.accuracy > out.best.accuracy { out.best = r.best }
        }
        return out
    }

    private static func restartSeed(_ seed: UInt64, _ k: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed, stream: 0x4e57 &+ UInt64(k))
        return g.next()
    }
}
