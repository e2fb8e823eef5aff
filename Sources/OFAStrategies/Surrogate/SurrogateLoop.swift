import OFACore

/// The state of one ``SurrogateSearch`` run: what was evaluated on the truth, the surrogate fitted
/// to it, and each target's best so far.
struct SurrogateLoop {
    let search: SurrogateSearch
    let problem: SearchProblem
    let targets: [Double]
    let seed: UInt64
    private let start = ContinuousClock.now
    private let base: EvaluationCounts

    /// Everything whose truth is known (warm start first), in the order it became known.
    private var known: [Candidate] = []
    private var knownSet = Set<Architecture>()
    private var model: KernelRidgeSurrogate
    /// Architectures known but not yet added to the model.
    private var unfitted = 0
    /// Truth evaluations made by this run.
    private var spent = 0
    private var best: [Candidate?]
    private var histories: [[SearchResult.BestSoFar]]
    private var trace: SurrogateTrace
    private var rejected = 0, repaired = 0
    private var front = ParetoFront()

    init(search: SurrogateSearch, problem: SearchProblem, targets: [Double], seed: UInt64) throws {
        self.search = search
        self.problem = problem
        self.targets = targets
        self.seed = seed
        let range = try problem.feasibleRange()
        for t in targets where !(t.isFinite && t >= range.minimum) {
            throw SearchError.infeasibleBudget(budget: t, range: range, metric: problem.metric)
        }
        base = problem.evaluator.beginRun()
        model = try KernelRidgeSurrogate(space: problem.space, gamma: search.gamma, ridge: search.ridge)
        best = Array(repeating: nil, count: targets.count)
        histories = Array(repeating: [], count: targets.count)
        trace = SurrogateTrace(initial: 0, warmStart: 0)
        for c in search.warmStart where knownSet.insert(c.arch).inserted { remember(c) }
        trace.warmStart = known.count
    }

    mutating func run() throws {
        let initial = min(search.evaluations, search.initial ?? search.defaultInitial(targets: targets.count))
        try evaluate(try initialDesign(count: initial), round: 0, predictions: nil)
        trace.initial = spent
        let batch = search.batch ?? search.defaultBatch(targets: targets.count)
        var round = 1
        while spent < search.evaluations {
            let fitStart = ContinuousClock.now
            try fit()
            trace.fitSeconds += secondsSince(fitStart)
            let innerStart = ContinuousClock.now
            var picks = try proposals(count: min(batch, search.evaluations - spent), round: round)
            if picks.isEmpty { picks = try initialDesign(count: min(batch, search.evaluations - spent), stream: UInt64(round)) }
            trace.innerSeconds += secondsSince(innerStart)
            // A space with nothing left to propose (a small one, evaluated through) ends the run.
            if picks.isEmpty { break }
            let predicted = model.predict(picks.map(\.arch))
            try evaluate(picks, round: round, predictions: predicted)
            round += 1
        }
    }

    /// `count` random feasible subnets, an equal share under each target (the shares' remainder
    /// to the first targets), none known already. Fewer when the space runs out of new ones.
    private mutating func initialDesign(count: Int, stream: UInt64 = 0) throws -> [(arch: Architecture, cost: Double)] {
        var out: [(arch: Architecture, cost: Double)] = []
        var taken = Set<Architecture>()
        for (i, t) in targets.enumerated() {
            let share = count / targets.count + (i < count % targets.count ? 1 : 0)
            let p = problem.with(budget: t)
            var sampler = RejectionSampler(problem: p, range: try p.feasibleRange(), maxTries: search.maxTries)
            var rng = SeededGenerator(seed: seed, stream: stream &* 1_000 &+ UInt64(i))
            var added = 0, misses = 0
            // A small space may hold fewer new subnets than asked for: 100 repeats in a row end the share.
            while added < share, misses < 100 {
                let s = try sampler.draw(remember: false, using: &rng) { problem.space.sample(using: &$0) }
                if knownSet.contains(s.arch) || !taken.insert(s.arch).inserted { misses += 1; continue }
                out.append(s)
                added += 1
                misses = 0
            }
            rejected += sampler.rejected
            repaired += sampler.repaired
        }
        return out
    }

    /// Fits the surrogate to what became known since the last fit.
    private mutating func fit() throws {
        guard unfitted > 0 else { return }
        let new = known.suffix(unfitted)
        try model.add(new.map(\.arch), accuracies: new.map { $0.accuracy * 100 })
        unfitted = 0
    }

    /// Per target, an evolutionary search on the surrogate from the target's best known subnets;
    /// its best proposals never evaluated, an equal share of `count` per target.
    private mutating func proposals(count: Int, round: Int) throws -> [(arch: Architecture, cost: Double)] {
        let predictor = SurrogatePredictor(model: model)
        var out: [(arch: Architecture, cost: Double)] = []
        var taken = Set<Architecture>()
        for (i, t) in targets.enumerated() {
            let share = count / targets.count + (i < count % targets.count ? 1 : 0)
            guard share > 0 else { continue }
            let starts = [search.innerPopulation, 10] + Array(repeating: 0, count: max(0, search.innerStarts - 2))
            let inside = known.filter { $0.efficiency <= t }.sorted { $0.accuracy > $1.accuracy }
            let p = SearchProblem(space: problem.space, accuracy: predictor, efficiency: problem.efficiencyPredictor, budget: t)
            var pools: [[Candidate]] = []
            for (k, nseed) in starts.prefix(search.innerStarts).enumerated() {
                var inner = EvolutionarySearch(population: search.innerPopulation, generations: search.innerGenerations)
                inner.termination.stall = search.innerStall
                inner.maxTries = search.maxTries
                let r = try inner.search(p, seed: Self.innerSeed(seed, round: round, target: i * 16 + k),
                                         initialPopulation: inside.prefix(nseed).map(\.arch))
                rejected += r.rejected
                repaired += r.repaired
                pools.append((r.population + r.front).filter { $0.efficiency <= t }.sorted { $0.accuracy > $1.accuracy })
            }
            // Each round another start's pool goes first: when the share is not a multiple of the
            // pools (4 per target from 3 starts), no start is always the one left short.
            let first = round % max(1, pools.count)
            for c in Self.roundRobin(Array(pools[first...] + pools[..<first]), count: share, where: { !knownSet.contains($0.arch) && taken.insert($0.arch).inserted }) {
                out.append((c.arch, c.efficiency))
            }
        }
        return out
    }

    /// Evaluates `batch` on the truth (one batched call), records it and each target's best.
    private mutating func evaluate(_ batch: [(arch: Architecture, cost: Double)], round: Int, predictions: [Double]?) throws {
        guard !batch.isEmpty else { return }
        let truthStart = ContinuousClock.now
        let accuracies = try problem.evaluator.accuracies(of: batch.map(\.arch))
        trace.truthSeconds += secondsSince(truthStart)
        for (b, a) in zip(batch, accuracies) where knownSet.insert(b.arch).inserted {
            remember(Candidate(arch: b.arch, accuracy: a, efficiency: b.cost))
            spent += 1
        }
        for i in targets.indices {
            if let b = best[i] {
                histories[i].append(.init(generation: round, evaluations: spent, accuracy: b.accuracy, efficiency: b.efficiency))
            }
        }
        if let predictions {
            let truth = accuracies.map { $0 * 100 }
            let tau = Metrics.kendallTauB(predictions, truth)
            trace.rounds.append(.init(evaluationsBefore: spent - batch.count, batch: batch.count,
                                      tau: tau.isFinite ? tau : nil, rmse: Metrics.rmse(predictions, truth),
                                      best: best.map { $0?.accuracy }))
        }
    }

    /// Up to `count` candidates that pass `accept`, taken from the pools in turn: each turn takes
    /// the next accepted candidate of one pool (best first), so every start contributes.
    private static func roundRobin(_ pools: [[Candidate]], count: Int, where accept: (Candidate) -> Bool) -> [Candidate] {
        var out: [Candidate] = []
        var next = [Int](repeating: 0, count: pools.count)
        var open = pools.indices.filter { !pools[$0].isEmpty }
        while out.count < count, !open.isEmpty {
            for k in open where out.count < count {
                while next[k] < pools[k].count {
                    let c = pools[k][next[k]]
                    next[k] += 1
                    if accept(c) { out.append(c); break }
                }
            }
            open.removeAll { next[$0] >= pools[$0].count }
        }
        return out
    }

    /// A seed of its own for each inner search.
    private static func innerSeed(_ seed: UInt64, round: Int, target: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed, stream: UInt64(round) << 16 | UInt64(target))
        return g.next()
    }

    private mutating func remember(_ c: Candidate) {
        known.append(c)
        unfitted += 1
        front.insert(c)
        for (i, t) in targets.enumerated() where c.efficiency <= t {
            if best[i] == nil || c.accuracy > best[i]!.accuracy { best[i] = c }
        }
    }

    /// One result per target, in the targets' order; the first carries the run's counts, the
    /// front and the trace (the others share them), as exhaustive search does for a sweep.
    func results() -> [SearchResult] {
        let counts = problem.evaluator.counts.since(base)
        let seconds = secondsSince(start)
        return targets.indices.compactMap { i -> SearchResult? in
            guard let answer = best[i] else { return nil }
            return SearchResult(
                strategy: search.name, space: problem.space.description, metric: problem.metric, budget: targets[i], seed: seed,
                best: answer, counts: i == 0 ? counts : EvaluationCounts(), generations: trace.rounds.count,
                rejected: i == 0 ? rejected : 0, repaired: i == 0 ? repaired : 0, seconds: seconds,
                history: histories[i], front: i == 0 ? front.members : [], population: [],
                sweep: targets.count > 1 ? .init(budgets: targets.count, evaluations: counts.accuracyRequests, seconds: seconds) : nil,
                surrogate: i == 0 ? trace : nil)
        }
    }
}

/// The surrogate as an accuracy predictor for the inner search (predictions in [0, 1]).
struct SurrogatePredictor: AccuracyPredictor {
    let model: KernelRidgeSurrogate
    var name: String { "surrogate" }
    func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        model.predict(archs).map { min(1, max(0, $0 / 100)) }
    }
}
