import OFACore

/// A multi-objective evolutionary search (NSGA-II: Deb et al. 2002) for the whole accuracy–cost
/// trade-off in one run: every architecture of its population fits the problem's budget (the
/// largest target), and its result's ``SearchResult/front`` is the Pareto front of everything it
/// evaluated, from which each smaller target takes its most accurate member.
///
/// Each generation: half the children by the space's mutation, half by its crossover (as
/// ``EvolutionarySearch``, so CompOFA keeps its coupling), from the targets' answers (below) and
/// binary-tournament winners on (front rank, crowding distance); parents and children merged, and
/// the next population filled front by front, the last front cut by crowding distance.
///
/// Since issue 16 (the defaults; each can be turned off to get the earlier search back):
/// - ``initialization`` `.stratified`: the first population is the space's cheapest architecture,
///   half of the other P − 1 members spread evenly over the costs from ``costFloor`` (else the
///   cheapest cost) to the budget (``CostStratifiedSampling``), the other half random samples that
///   fit (``stratifiedShare``), instead of P − 1 random samples, which crowd the middle of the range;
/// - ``eliminateDuplicates``: a child already evaluated in this run is bred again (new parents,
///   up to ``noveltyTries`` times, then a random sample), so every evaluation is a new
///   architecture (pymoo's `eliminate_duplicates`, against the whole run);
/// - ``costFloor``: costs below it rank as equal to it (the smallest target: a point cheaper
///   than every target answers no more than the most accurate such point), so the population is
///   not spent below the window the targets span;
/// - ``parents`` `.answers` (since the second round of issue 16): ``answerMutationShare`` of the
///   mutation children are mutants of the targets' current answers (the population's most
///   accurate member within each of ``targets``, in turn), each drawn until it fits its parent's
///   target — OFA's single-target mutation step, for every target at once — and
///   ``answerCrossoverShare`` of the crossover children cross two adjacent targets' answers,
///   drawn until they fit the larger target. Tournament parents spread every child over the
///   whole front; at 1,000 evaluations that left the 30–50 ms answers behind a DyNAS-T-style
///   search (docs/front.md).
///
/// ```swift
/// var nsga2 = NSGA2Search(population: 50, generations: 99)   // 5,000 evaluations
/// nsga2.costFloor = 15
/// let out = try nsga2.search(problem.with(budget: 60), seed: 1)
/// ParetoFront(out.front).best(within: 20)   // the answer for a 20 ms target
/// ```
public struct NSGA2Search: BreedingSearch {
    /// How the first population is drawn.
    public enum Initialization: String, Sendable, CaseIterable {
        /// The cheapest architecture and P − 1 random samples that fit (before issue 16).
        case random
        /// The cheapest architecture and P − 1 members spread over the cost window.
        case stratified
    }

    /// Where the children's parents come from.
    public enum Parents: String, Sendable, CaseIterable {
        /// Binary tournament winners, every child fitted to the budget (before issue 16's second round).
        case tournament
        /// The targets' current answers for ``answerMutationShare`` of the mutation children and
        /// ``answerCrossoverShare`` of the crossover children, each fitted to its (larger)
        /// parent's target; tournament winners for the others.
        case answers
    }

    /// Settings measured on the issue 16 benchmark (docs/front.md).
    public enum Defaults {
        /// With answer parents, the share of mutation children bred from the answers: all of
        /// them (and 30% mutation children) led at 1,000 evaluations but cost up to 0.07 points
        /// at 20–40 ms at 25,000 and 50,100; 60% of half kept most of the gain at 1,000 and tied
        /// the earlier search at large budgets.
        public static let answerMutationShare = 0.6
        /// With answer parents, the share of crossover children bred from two adjacent targets'
        /// answers: 0.3 was ahead of 0, 0.2, 0.4 and 0.5 at 1,000 evaluations (30 seeds).
        public static let answerCrossoverShare = 0.3
        /// Draws for a child that fits its parent's target before it is drawn under the budget.
        public static let answerTries = 100
        /// Attempts at a new child from the answers before it is bred from tournament winners
        /// instead (two similar answers have few crossovers, all of them soon evaluated).
        public static let answerNoveltyTries = 10
    }

    public var name: String { "nsga2" }
    /// Population, termination, operators, mutation ratio and max tries (1,000 draws per child).
    public var breeding: Breeding
    public var initialization = Initialization.stratified
    /// `.stratified`: the share of the P − 1 members spread over the cost window; the others
    /// are random samples that fit, as `.random` draws them. Half and half: spread members alone
    /// (share 1) lost 0.1–0.3 points at the 15–20 ms targets at 1,000 evaluations (note10, 10
    /// seeds), random ones alone the 45–60 ms end (docs/front.md).
    public var stratifiedShare = 0.5
    /// Breed again a child that this run has already evaluated.
    public var eliminateDuplicates = true
    /// Breeding attempts for a new child before a random sample is taken instead.
    public var noveltyTries = 100
    /// Costs below this rank as equal to it (nil: none); the smallest target of a sweep.
    public var costFloor: Double?
    /// With a cost floor: the most accurate members at or below it kept in every population.
    public var floorReserve = 3
    /// Where the children's parents come from; `.answers` needs ``targets`` (without them,
    /// tournament winners parent every child).
    public var parents = Parents.answers
    /// With answer parents: the share of mutation children bred from the answers.
    public var answerMutationShare = Defaults.answerMutationShare
    /// With answer parents: the share of crossover children bred from adjacent targets' answers.
    public var answerCrossoverShare = Defaults.answerCrossoverShare
    /// The budgets answered from the front (``MultiTargetSweep`` sets its targets).
    public var targets: [Double] = []

    public init(population: Int = 100, generations: Int = 500, mutationRatio: Double = 0.5, mutationProbability: Double = 0.1) {
        self.breeding = Breeding(population: population, generations: generations, mutationRatio: mutationRatio,
                                 mutationProbability: mutationProbability, maxTries: 1000)
    }

    public func validate() throws {
        let b = breeding
        try SearchSettings.check("NSGA-II population", b.population, 2...SearchSettings.maxPopulation)
        guard (0...1).contains(stratifiedShare) else { throw SearchError.invalidSetting("stratified share must be in [0, 1], got \(stratifiedShare)") }
        guard (0...1).contains(answerMutationShare) else { throw SearchError.invalidSetting("answer mutation share must be in [0, 1], got \(answerMutationShare)") }
        guard (0...1).contains(answerCrossoverShare) else { throw SearchError.invalidSetting("answer crossover share must be in [0, 1], got \(answerCrossoverShare)") }
        guard (0...1).contains(b.mutationRatio) else { throw SearchError.invalidSetting("mutation ratio must be in [0, 1], got \(b.mutationRatio)") }
        if let g = b.termination.generations { try SearchSettings.check("generations", g, 0...SearchSettings.maxGenerations) }
        guard noveltyTries >= 1 else { throw SearchError.invalidSetting("novelty tries must be at least 1, got \(noveltyTries)") }
        if let t = targets.first(where: { !$0.isFinite }) { throw SearchError.invalidSetting("targets must be finite, got \(t)") }
        if let costFloor, !costFloor.isFinite { throw SearchError.invalidSetting("cost floor must be finite, got \(costFloor)") }
        guard b.maxTries >= 1 else { throw SearchError.invalidSetting("max tries must be at least 1, got \(b.maxTries)") }
    }

    /// A ranked population: each member's front and crowding distance.
    struct Ranked {
        var members: [Candidate]
        var rank: [Int]
        var crowding: [Double]

        /// NSGA-II's survivor selection: the best `count` of `pool` by front, then crowding;
        /// costs below `floor` count as `floor`, and the `reserve` most accurate members at or
        /// below it survive whatever their front (they tie on cost, so all but the best of them
        /// are dominated, and the smallest target's answer would keep a single parent line).
        init(selecting count: Int, from pool: [Candidate], floor: Double = -.infinity, reserve: Int = 0) {
            let points = pool.map { (cost: max($0.efficiency, floor), accuracy: $0.accuracy) }
            let fronts = NonDominatedSorting.fronts(points)
            var reserved = Set<Int>()
            if reserve > 0, floor.isFinite {
                let below = pool.indices.filter { pool[$0].efficiency <= floor }
                    .sorted { pool[$0].accuracy != pool[$1].accuracy ? pool[$0].accuracy > pool[$1].accuracy : $0 < $1 }
                reserved = Set(below.prefix(min(reserve, count)))
            }
            var members: [Candidate] = [], rank: [Int] = [], crowding: [Double] = []
            let open = count - reserved.count
            var taken = 0, reservedLeft = reserved.count
            for (r, front) in fronts.enumerated() {
                if taken >= open && reservedLeft == 0 { break }
                let d = NonDominatedSorting.crowding(points, front: front)
                var order = front.indices.filter { !reserved.contains(front[$0]) }
                if taken + order.count > open {
                    order.sort { d[$0] != d[$1] ? d[$0] > d[$1] : $0 < $1 }
                    order = Array(order.prefix(open - taken))
                }
                taken += order.count
                for i in order { members.append(pool[front[i]]); rank.append(r); crowding.append(d[i]) }
                // Reserved members follow their front's chosen ones, with their rank and crowding.
                for i in front.indices where reserved.contains(front[i]) {
                    members.append(pool[front[i]]); rank.append(r); crowding.append(d[i])
                    reservedLeft -= 1
                }
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
        var run = try SearchRun(problem, seed: seed, maxTries: breeding.maxTries)
        let space = problem.space, range = run.range, evaluator = run.evaluator

        let floor = costFloor ?? -.infinity
        var seen = DuplicateElimination()
        var archs = [range.cheapest], costs = [range.minimum]
        switch initialization {
        case .random:
            while archs.count < breeding.population {
                let s = try run.sampler.draw(using: &run.rng) { breeding.sampling.sample(in: space, using: &$0) }
                archs.append(s.arch); costs.append(s.cost)
            }
        case .stratified:
            let low = min(max(costFloor ?? range.minimum, range.minimum), problem.budget)
            let spread = Int((stratifiedShare * Double(breeding.population - 1)).rounded(.toNearestOrEven))
            while archs.count < breeding.population - spread {
                let s = try run.sampler.draw(using: &run.rng) { breeding.sampling.sample(in: space, using: &$0) }
                archs.append(s.arch); costs.append(s.cost)
            }
            for s in try CostStratifiedSampling(sampling: breeding.sampling).population(
                count: spread, low: low, high: problem.budget, in: space, using: &run.rng,
                cost: { try evaluator.uncachedEfficiency(of: $0) }) {
                // A member that could not shrink to its aim (a non-monotone cost) is fitted.
                let fit = s.cost <= problem.budget ? s : try run.sampler.fit(s.arch, using: &run.rng)
                archs.append(fit.arch); costs.append(fit.cost)
            }
        }
        for i in archs.indices where !seen.insert(archs[i]) && eliminateDuplicates {
            // A repeat in the first population (a spread member shrunk to the cheapest subnet,
            // say) is replaced by a random sample not seen yet.
            for _ in 0..<noveltyTries {
                let s = try run.sampler.draw(using: &run.rng) { breeding.sampling.sample(in: space, using: &$0) }
                archs[i] = s.arch; costs[i] = s.cost
                if seen.insert(s.arch) { break }
            }
        }
        var pool = try run.tracker.evaluate(archs, costs, evaluator: evaluator)
        var ranked = Ranked(selecting: breeding.population, from: Self.distinct(pool), floor: floor, reserve: floorReserve)
        run.record(generation: 0)

        let mutants = breeding.mutationCount
        var generation = 0
        while !breeding.termination.isDone(generations: generation, evaluations: run.evaluations, seconds: run.seconds) {
            try breed(mutants: mutants, generation: generation, ranked: ranked, sampler: &run.sampler, seen: &seen, in: space,
                      using: &run.rng, into: &archs, costs: &costs)
            let children = try run.tracker.evaluate(archs, costs, evaluator: evaluator)
            pool = Self.distinct(ranked.members + children)
            ranked = Ranked(selecting: breeding.population, from: pool, floor: floor, reserve: floorReserve)
            generation += 1
            run.record(generation: generation)
        }

        return run.result(strategy: name, generations: generation, population: ranked.members)
    }

    /// One generation's children: `mutants` by mutation, the rest by crossover, from tournament
    /// winners. With answer parents, the first `answerMutants` mutants are bred from the answers
    /// instead (mutant `k` of generation `g` from answer `(g × answerMutants + k) mod T`) and the
    /// first `pairs` crossovers cross adjacent answers (those that differ; crossover `i` pair
    /// `(g × pairs + i) mod (their count)`), so every target and pair is served in turn. With
    /// ``eliminateDuplicates``, none of them was evaluated before in this run (`seen`): each is
    /// bred again until it is new (from tournament winners after
    /// ``Defaults/answerNoveltyTries`` attempts from the answers; at most ``noveltyTries`` times),
    /// else it is a random sample that fits.
    func breed(mutants: Int, generation: Int, ranked: Ranked, sampler: inout RejectionSampler, seen: inout DuplicateElimination,
               in space: any SearchSpace, using rng: inout SeededGenerator,
               into archs: inout [Architecture], costs: inout [Double]) throws {
        archs.removeAll(keepingCapacity: true)
        costs.removeAll(keepingCapacity: true)
        // The population's answers, not the run's (which the result reports): the run's were no
        // better anywhere and bred a narrower front at large budgets (docs/front.md).
        let answers = parents == .answers ? Self.answers(to: targets, in: ranked.members) : []
        let answerMutants = answers.isEmpty ? 0 : Breeding.share(answerMutationShare, of: mutants)
        // Adjacent targets' answers, when they differ (crossing an answer with itself gives it back).
        let adjacent = zip(answers, answers.dropFirst()).filter { $0.arch != $1.arch }
        let pairs = adjacent.isEmpty ? 0 : Breeding.share(answerCrossoverShare, of: breeding.population - mutants)
        for k in 0..<breeding.population {
            var child: (arch: Architecture, cost: Double)?
            for attempt in 0..<noveltyTries {
                let c: (arch: Architecture, cost: Double)
                let fromAnswers = attempt < Defaults.answerNoveltyTries
                if k < answerMutants, fromAnswers {
                    let a = answers[(generation * answerMutants + k) % answers.count]
                    c = try sampler.draw(within: a.target, tries: Defaults.answerTries, using: &rng) {
                        breeding.mutation.mutate(a.arch, in: space, using: &$0)
                    }
                } else if k < mutants {
                    let p = ranked.tournament(using: &rng)
                    c = try sampler.draw(using: &rng) { breeding.mutation.mutate(p, in: space, using: &$0) }
                } else if k - mutants < pairs, fromAnswers {
                    let (a, b) = adjacent[(generation * pairs + k - mutants) % adjacent.count]
                    c = try sampler.draw(within: b.target, tries: Defaults.answerTries, using: &rng) {
                        breeding.crossover.cross(a.arch, b.arch, in: space, using: &$0)
                    }
                } else {
                    let a = ranked.tournament(using: &rng), b = ranked.tournament(using: &rng)
                    c = try sampler.draw(using: &rng) { breeding.crossover.cross(a, b, in: space, using: &$0) }
                }
                if !eliminateDuplicates || !seen.contains(c.arch) { child = c; break }
            }
            let c = try child ?? sampler.draw(remember: false, using: &rng) { breeding.sampling.sample(in: space, using: &$0) }
            if eliminateDuplicates { seen.insert(c.arch) }
            archs.append(c.arch); costs.append(c.cost)
        }
    }

    /// Each target's answer among `members` (the most accurate that fits it), smallest target
    /// first; a target nothing fits is left out.
    static func answers(to targets: [Double], in members: [Candidate]) -> [(arch: Architecture, target: Double)] {
        let front = ParetoFront(members)
        return targets.sorted().compactMap { t in front.best(within: t).map { ($0.arch, t) } }
    }

    /// `candidates` without repeated architectures (first occurrence kept): copies would crowd
    /// the fronts with zero-distance twins.
    static func distinct(_ candidates: [Candidate]) -> [Candidate] {
        var seen = Set<Architecture>()
        return candidates.filter { seen.insert($0.arch).inserted }
    }
}
