/// A multi-objective evolutionary search (NSGA-II: Deb et al. 2002) for the whole accuracy–cost
/// trade-off in one run: every architecture of its population fits the problem's budget (the
/// largest target), and its result's ``SearchResult/front`` is the Pareto front of everything it
/// evaluated, from which each smaller target takes its most accurate member.
///
/// Each generation: parents by binary tournament on (front rank, crowding distance); half the
/// children by the space's mutation, half by its crossover (as ``EvolutionarySearch``, so CompOFA
/// keeps its coupling); parents and children merged, duplicates dropped, and the next population
/// filled front by front, the last front cut by crowding distance. The initial population holds
/// the space's cheapest architecture, so the front reaches every feasible target.
///
/// ```swift
/// let out = try NSGA2Search(population: 100, generations: 500).search(problem.with(budget: 60), seed: 1)
/// ParetoFront(out.front).best(within: 20)   // the answer for a 20 ms target
/// ```
public struct NSGA2Search: SearchStrategy {
    public var name: String { "nsga2" }
    public var population: Int
    public var termination: Termination
    /// Share of the children made by mutation; the rest by crossover.
    public var mutationRatio: Double
    public var sampling: any Sampling = SpaceSampling()
    public var mutation: any Mutation
    public var crossover: any Crossover = SpaceCrossover()
    /// Draws per child before an over-budget one is repaired.
    public var maxTries = 1000

    public init(population: Int = 100, generations: Int = 500, mutationRatio: Double = 0.5, mutationProbability: Double = 0.1) {
        self.population = population
        self.termination = .generations(generations)
        self.mutationRatio = mutationRatio
        self.mutation = SpaceMutation(probability: mutationProbability)
    }

    public func validate() throws {
        guard population >= 2 else { throw SearchError.invalidSetting("NSGA-II population must be at least 2, got \(population)") }
        guard population <= 10_000_000 else { throw SearchError.invalidSetting("NSGA-II population must be at most 10000000, got \(population)") }
        guard (0...1).contains(mutationRatio) else { throw SearchError.invalidSetting("mutation ratio must be in [0, 1], got \(mutationRatio)") }
        if let g = termination.generations, g < 0 { throw SearchError.invalidSetting("generations must be at least 0, got \(g)") }
        guard maxTries >= 1 else { throw SearchError.invalidSetting("max tries must be at least 1, got \(maxTries)") }
    }

    /// A ranked population: each member's front and crowding distance.
    struct Ranked {
        var members: [Candidate]
        var rank: [Int]
        var crowding: [Double]

        /// NSGA-II's survivor selection: the best `count` of `pool` by front, then crowding.
        init(selecting count: Int, from pool: [Candidate]) {
            let points = pool.map { (cost: $0.efficiency, accuracy: $0.accuracy) }
            var members: [Candidate] = [], rank: [Int] = [], crowding: [Double] = []
            for (r, front) in NonDominatedSorting.fronts(points).enumerated() where members.count < count {
                let d = NonDominatedSorting.crowding(points, front: front)
                var order = Array(front.indices)
                if members.count + front.count > count {
                    order.sort { d[$0] != d[$1] ? d[$0] > d[$1] : $0 < $1 }
                    order = Array(order.prefix(count - members.count))
                }
                for i in order { members.append(pool[front[i]]); rank.append(r); crowding.append(d[i]) }
            }
            self.members = members
            self.rank = rank
            self.crowding = crowding
        }

        /// Binary tournament: the lower front wins, then the larger crowding distance.
        func tournament(using rng: inout SeededGenerator) -> Architecture {
            let a = Int.random(in: 0..<members.count, using: &rng), b = Int.random(in: 0..<members.count, using: &rng)
            if rank[a] != rank[b] { return members[rank[a] < rank[b] ? a : b].arch }
            return members[crowding[b] > crowding[a] ? b : a].arch
        }
    }

    public func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        try validate()
        let start = ContinuousClock.now
        let range = try problem.checkFeasible()
        let evaluator = problem.evaluator
        let base = evaluator.beginRun()
        let space = problem.space
        var rng = SeededGenerator(seed: seed)
        var sampler = RejectionSampler(problem: problem, range: range, maxTries: maxTries)

        var archs = [range.cheapest], costs = [range.minimum]
        while archs.count < population {
            let s = try sampler.draw(using: &rng) { sampling.sample(in: space, using: &$0) }
            archs.append(s.arch); costs.append(s.cost)
        }
        var tracker = ProgressTracker()
        var pool = try tracker.evaluate(archs, costs, evaluator: evaluator)
        var ranked = Ranked(selecting: population, from: Self.distinct(pool))
        tracker.record(generation: 0, evaluations: evaluator.counts.accuracyRequests - base.accuracyRequests)

        let mutants = Int((mutationRatio * Double(population)).rounded(.toNearestOrEven))
        var generation = 0
        while !termination.isDone(generations: generation, evaluations: evaluator.counts.accuracyRequests - base.accuracyRequests,
                                  seconds: secondsSince(start)) {
            try sampler.breed(population: population, mutants: mutants, mutation: mutation, crossover: crossover,
                              in: space, using: &rng, parent: { ranked.tournament(using: &$0) },
                              into: &archs, costs: &costs)
            let children = try tracker.evaluate(archs, costs, evaluator: evaluator)
            pool = Self.distinct(ranked.members + children)
            ranked = Ranked(selecting: population, from: pool)
            generation += 1
            tracker.record(generation: generation, evaluations: evaluator.counts.accuracyRequests - base.accuracyRequests)
        }

        return SearchResult(
            strategy: name, space: space.description, metric: problem.metric, budget: problem.budget, seed: seed,
            best: tracker.best!, counts: evaluator.counts.since(base), generations: generation,
            rejected: sampler.rejected, repaired: sampler.repaired, seconds: secondsSince(start),
            history: tracker.history, front: tracker.front.members, population: ranked.members, sweep: nil)
    }

    /// `candidates` without repeated architectures (first occurrence kept): copies would crowd
    /// the fronts with zero-distance twins.
    static func distinct(_ candidates: [Candidate]) -> [Candidate] {
        var seen = Set<Architecture>()
        return candidates.filter { seen.insert($0.arch).inserted }
    }
}
