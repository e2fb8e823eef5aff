import OFACore

/// What every population search sets up and reports alike (evolutionary, random, NSGA-II): the
/// feasibility check, a fresh count on the problem's evaluator, the generator seeded from the
/// run's seed, the rejection sampler, the best-so-far tracker, and at the end the
/// ``SearchResult`` built from them.
///
/// ```swift
/// var run = try SearchRun(problem, seed: seed, maxTries: maxTries)
/// let members = try run.tracker.evaluate(archs, costs, evaluator: run.evaluator)
/// run.record(generation: 0)
/// return run.result(strategy: name, generations: 0, population: members)
/// ```
struct SearchRun {
    let problem: SearchProblem
    let seed: UInt64
    let start: ContinuousClock.Instant
    let range: FeasibleRange
    let evaluator: Evaluator
    /// The evaluator's counts when the run began.
    let base: EvaluationCounts
    var rng: SeededGenerator
    var sampler: RejectionSampler
    var tracker = ProgressTracker()

    init(_ problem: SearchProblem, seed: UInt64, maxTries: Int, repair: ShrinkRepair = ShrinkRepair()) throws {
        start = ContinuousClock.now
        let range = try problem.checkFeasible()
        let evaluator = problem.evaluator
        base = evaluator.beginRun()
        rng = SeededGenerator(seed: seed)
        sampler = RejectionSampler(problem: problem, range: range, maxTries: maxTries, repair: repair)
        self.problem = problem
        self.seed = seed
        self.range = range
        self.evaluator = evaluator
    }

    /// Accuracy requests since the run began.
    var evaluations: Int { evaluator.counts.accuracyRequests - base.accuracyRequests }

    /// Seconds since the run began.
    var seconds: Double { secondsSince(start) }

    /// Records the best so far after generation `generation`, at the run's evaluations.
    mutating func record(generation: Int) { tracker.record(generation: generation, evaluations: evaluations) }

    func result(strategy: String, generations: Int, population: [Candidate]) -> SearchResult {
        SearchResult(
            strategy: strategy, space: problem.space.description, metric: problem.metric, budget: problem.budget, seed: seed,
            best: tracker.best!, counts: evaluator.counts.since(base), generations: generations,
            rejected: sampler.rejected, repaired: sampler.repaired, seconds: seconds,
            history: tracker.history, front: tracker.front.members, population: population, sweep: nil)
    }
}
