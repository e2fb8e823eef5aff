import OFACore

/// OFA's evolutionary search (`EvolutionFinder.run_evolution_search`), with its defaults:
/// a population of 100 feasible random subnets; then, each generation, the top 25% become
/// parents and the next population is the parents plus 100 children, half by mutation of one
/// random parent (each choice resampled with probability 0.1) and half by uniform crossover of
/// two; 500 generations. Every child is redrawn until it fits the budget (bounded here, then
/// repaired). Accuracy is predicted for each generation in one batch and memoized.
///
/// Differences from OFA's code, none of which changes its semantics: the children of the last
/// generation are judged too (OFA records its best before breeding, so they are never
/// considered); the rejection loop is bounded; skipped blocks carry no hidden values (a unit
/// that grows gets fresh random blocks).
///
/// Warm starts: ``search(_:seed:initialPopulation:)`` starts from given architectures (those
/// over budget are repaired; a short list is filled with random feasible samples), and the
/// result's ``SearchResult/population`` is the final population.
///
/// ```swift
/// var ea = EvolutionarySearch()                      // P = 100, N = 500
/// let first = try ea.search(problem, seed: 3)
/// ea.termination = .generations(100)
/// let next = try ea.search(problem.with(budget: 30), seed: 3,
///                          initialPopulation: first.population.map(\.arch))
/// ```
public struct EvolutionarySearch: BreedingSearch {
    public var name: String { "evolutionary" }
    /// Population, termination, operators, mutation ratio and max tries (100,000 draws per child).
    public var breeding: Breeding
    /// Share of the population kept as parents (rounded half to even, as Python's `round`).
    public var parentRatio: Double
    public var selection: any Selection = TopKSelection()
    public var repair = ShrinkRepair()

    public init(population: Int = 100, generations: Int = 500, parentRatio: Double = 0.25,
                mutationRatio: Double = 0.5, mutationProbability: Double = 0.1) {
        self.breeding = Breeding(population: population, generations: generations, mutationRatio: mutationRatio,
                                 mutationProbability: mutationProbability, maxTries: 100_000)
        self.parentRatio = parentRatio
    }

    public var parentCount: Int { max(1, Int((parentRatio * Double(breeding.population)).rounded(.toNearestOrEven))) }
    public var mutationCount: Int { breeding.mutationCount }

    public func validate() throws {
        // The upper bound is far beyond any useful setting; larger ones run for hours and exhaust
        // memory (and Int(ratio × population) traps near Int.max).
        let b = breeding
        try SearchSettings.check("population", b.population, 1...SearchSettings.maxPopulation)
        guard parentRatio > 0, parentRatio <= 1 else { throw SearchError.invalidSetting("parent ratio must be in (0, 1], got \(parentRatio)") }
        guard (0...1).contains(b.mutationRatio) else { throw SearchError.invalidSetting("mutation ratio must be in [0, 1], got \(b.mutationRatio)") }
        if let g = b.termination.generations { try SearchSettings.check("generations", g, 0...SearchSettings.maxGenerations) }
        if let s = b.termination.stall { try SearchSettings.check("stall generations", s, 1...SearchSettings.maxGenerations) }
        guard b.maxTries >= 1 else { throw SearchError.invalidSetting("max tries must be at least 1, got \(b.maxTries)") }
        if let m = b.mutation as? SpaceMutation, !(0...1).contains(m.probability) {
            throw SearchError.invalidSetting("mutation probability must be in [0, 1], got \(m.probability)")
        }
    }

    public func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        try search(problem, seed: seed, initialPopulation: nil)
    }

    public func search(_ problem: SearchProblem, seed: UInt64, initialPopulation: [Architecture]?) throws -> SearchResult {
        try validate()
        var run = try SearchRun(problem, seed: seed, maxTries: breeding.maxTries, repair: repair)
        let space = problem.space
        var archs: [Architecture] = []
        var costs: [Double] = []
        for arch in initialPopulation ?? [] {
            let fit = try run.sampler.fit(arch, using: &run.rng)
            archs.append(fit.arch); costs.append(fit.cost)
        }
        while archs.count < breeding.population {
            let s = try run.sampler.draw(remember: false, using: &run.rng) { breeding.sampling.sample(in: space, using: &$0) }
            archs.append(s.arch); costs.append(s.cost)
        }

        var members = try run.tracker.evaluate(archs, costs, evaluator: run.evaluator)
        run.record(generation: 0)

        let parents = parentCount, mutants = mutationCount
        var generation = 0
        while !breeding.termination.isDone(generations: generation, evaluations: run.evaluations,
                                           seconds: run.seconds, stalled: generation - run.tracker.improvedAt) {
            let chosen = selection.select(members, count: parents)
            try run.sampler.breed(population: breeding.population, mutants: mutants, mutation: breeding.mutation,
                                  crossover: breeding.crossover, in: space, using: &run.rng,
                                  parent: { chosen[Int.random(in: 0..<chosen.count, using: &$0)].arch },
                                  into: &archs, costs: &costs)
            let children = try run.tracker.evaluate(archs, costs, evaluator: run.evaluator)
            members = chosen + children
            generation += 1
            run.record(generation: generation)
        }
        return run.result(strategy: name, generations: generation, population: members)
    }
}

/// Best-so-far, its history and the Pareto front of everything evaluated.
struct ProgressTracker {
    private(set) var best: Candidate?
    private(set) var history: [SearchResult.BestSoFar] = []
    private(set) var front = ParetoFront()
    /// The last generation recorded whose best was better than the one before.
    private(set) var improvedAt = 0

    @inline(__always)
    mutating func observe(_ c: Candidate) {
        if best == nil || c.accuracy > best!.accuracy { best = c }
        front.insert(c)
    }

    /// Predicts the accuracy of a batch (memoized, batched by the evaluator) and observes each result.
    mutating func evaluate(_ archs: [Architecture], _ costs: [Double], evaluator: Evaluator) throws -> [Candidate] {
        let accs = try evaluator.accuracies(of: archs)
        var out: [Candidate] = []
        out.reserveCapacity(archs.count)
        for i in archs.indices {
            let c = Candidate(arch: archs[i], accuracy: accs[i], efficiency: costs[i])
            observe(c)
            out.append(c)
        }
        return out
    }

    mutating func record(generation: Int, evaluations: Int) {
        guard let best else { return }
        if let last = history.last, best.accuracy > last.accuracy { improvedAt = generation }
        history.append(.init(generation: generation, evaluations: evaluations, accuracy: best.accuracy, efficiency: best.efficiency))
    }
}
