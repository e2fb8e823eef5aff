import OFACore

/// Exhaustive search for small spaces (CompOFA's fixed-kernel space: 243 subnets per
/// resolution): every architecture's cost is predicted, the accuracy of each one that fits the
/// largest budget exactly once (without the cache; one that fits no budget cannot be an answer,
/// as an evolutionary search never predicts an over-budget child either), and the best for each
/// budget is read off. A space larger than ``limit`` is refused with its size.
///
/// Among equally accurate architectures the cheaper wins, then the earlier in enumeration order.
///
/// ```swift
/// let results = try ExhaustiveSearch().search(problem, budgets: [15, 20, 25, 30], seed: 0)
/// ```
public struct ExhaustiveSearch: SearchStrategy {
    public var name: String { "exhaustive" }
    public var answersBudgetsTogether: Bool { true }
    public var limit: UInt128

    public init(limit: UInt128 = 5_000_000) { self.limit = limit }

    public func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        try search(problem, budgets: [problem.budget], seed: seed)[0]
    }

    public func search(_ problem: SearchProblem, budgets: [Double], seed: UInt64) throws -> [SearchResult] {
        guard !budgets.isEmpty else { return [] }
        let start = ContinuousClock.now
        let space = problem.space
        let archs: [Architecture]
        do { archs = try space.enumerate(limit: limit) } catch { throw SearchError.tooLarge(error) }
        let evaluator = problem.evaluator
        let costs = try evaluator.predictEfficiencies(archs)
        // The exact range, from every architecture (no monotonicity assumed).
        var lo = 0, hi = 0
        for i in costs.indices {
            if costs[i] < costs[lo] { lo = i }
            if costs[i] > costs[hi] { hi = i }
        }
        let range = FeasibleRange(minimum: costs[lo], cheapest: archs[lo], maximum: costs[hi], dearest: archs[hi])
        for b in budgets where !(b >= range.minimum) {
            throw SearchError.infeasibleBudget(budget: b, range: range, metric: problem.metric)
        }
        let largest = budgets.max()!
        let fitting = archs.indices.filter { costs[$0] <= largest }
        // Large chunks: one enumeration is the whole workload, so the GEMMs may as well be big.
        let accs = try evaluator.predictAccuracies(fitting.map { archs[$0] }, chunkSize: 256)
        var front = ParetoFront()
        for (j, i) in fitting.enumerated() { front.insert(Candidate(arch: archs[i], accuracy: accs[j], efficiency: costs[i])) }
        let shared = secondsSince(start)

        var counts = EvaluationCounts()
        counts.accuracyRequests = fitting.count
        counts.accuracyPredictions = fitting.count
        counts.uniqueArchitectures = fitting.count
        counts.efficiencyRequests = archs.count
        counts.efficiencyPredictions = archs.count
        return budgets.enumerated().map { k, budget in
            let t0 = ContinuousClock.now
            var best = -1
            for (j, i) in fitting.enumerated() where costs[i] <= budget {
                if best < 0 || accs[j] > accs[best] || (accs[j] == accs[best] && costs[i] < costs[fitting[best]]) { best = j }
            }
            let candidate = Candidate(arch: archs[fitting[best]], accuracy: accs[best], efficiency: costs[fitting[best]])
            let own = secondsSince(t0)
            return SearchResult(
                strategy: name, space: space.description, metric: problem.metric, budget: budget, seed: seed,
                best: candidate, counts: k == 0 ? counts : EvaluationCounts(), generations: 0, rejected: 0, repaired: 0,
                seconds: k == 0 ? shared + own : own,
                history: [.init(generation: 0, evaluations: fitting.count, accuracy: candidate.accuracy, efficiency: candidate.efficiency)],
                front: front.members, population: [],
                sweep: budgets.count > 1 ? .init(budgets: budgets.count, evaluations: fitting.count, seconds: secondsSince(start)) : nil)
        }
    }
}
