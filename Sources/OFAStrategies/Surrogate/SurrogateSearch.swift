import OFACore

/// Surrogate-assisted search for when accuracy is expensive (a subnet validated on ImageNet, a
/// measured device): it treats the problem's accuracy predictor as the truth and spends at most
/// ``evaluations`` distinct evaluations of it for all targets together. Costs stay cheap.
///
/// The loop: evaluate an initial design (random feasible subnets, spread over the targets); then
/// each round fit a ``KernelRidgeSurrogate`` to everything evaluated, run an evolutionary search
/// on the surrogate for every target (warm-started from the best subnets evaluated within it), and
/// evaluate the surrogate's best proposals that were never evaluated, a share of the batch per
/// target. The answer for a target is the best subnet *evaluated on the truth* within it, never a
/// surrogate's guess. Every truth evaluation goes through the problem's ``Evaluator`` (counted,
/// memoized, and stored by an external evaluator's measurement store).
///
/// What the settings do (measured in docs/surrogate.md): more inner generations find the
/// surrogate's optimum more surely (it is cheap; the default is generous); a larger batch per
/// round means fewer refits and a coarser loop; a larger initial design spends evaluations on
/// exploration the surrogate's own proposals would make better use of.
///
/// ```swift
/// let search = SurrogateSearch(evaluations: 1_000)
/// let results = try search.search(problem, budgets: [15, 20, 25, 30], seed: 1)
/// results[0].best.accuracy            // evaluated on the truth
/// results[0].surrogate?.rounds.count  // the loop's rounds
/// ```
public struct SurrogateSearch: SearchStrategy {
    public var name: String { "surrogate" }
    public var answersBudgetsTogether: Bool { true }
    /// Distinct truth evaluations for all targets together.
    public var evaluations: Int
    /// Truth evaluations of the initial design (nil: ``defaultInitial(targets:)``).
    public var initial: Int?
    /// Truth evaluations per round, shared by the targets (nil: ``defaultBatch(targets:)``).
    public var batch: Int?
    /// The inner evolutionary searches on the surrogate, per target and round: population,
    /// generations, and how many (the first starts from the best subnets evaluated within the
    /// target, the second from the ten best and random samples, the others from random samples).
    public var innerPopulation = 100
    public var innerGenerations = Defaults.innerGenerations
    public var innerStarts = Defaults.innerStarts
    /// Generations without a better best (on the surrogate) that end an inner search early: an
    /// evolutionary search settles within a few dozen generations, so this halves the time of a
    /// run with no measurable loss (docs/surrogate.md).
    public var innerStall = Defaults.innerStall
    /// The surrogate's settings (``KernelRidgeSurrogate``).
    public var gamma = Defaults.gamma
    public var ridge = Defaults.ridge
    /// Subnets whose truth is already known (a dataset, a measurement store): fitted from the
    /// start, never evaluated again, not counted.
    public var warmStart: [Candidate] = []
    /// Draws per candidate before an over-budget one is repaired (inner search and initial design).
    public var maxTries = 100_000

    /// The most truth evaluations a run accepts: the surrogate keeps a factor of n²/2 doubles.
    public static let maxEvaluations = 10_000
    /// The most points the surrogate fits (warm start and evaluations together): its factor
    /// holds n²/2 doubles, 576 MB at this bound.
    public static let maxFitted = 12_000
    /// The most inner searches per target and round.
    public static let maxStarts = 16

    public enum Defaults {
        public static let innerGenerations = 100
        public static let innerStarts = 3
        public static let innerStall = 15
        /// Measured on the benchmark (docs/surrogate.md): at 1,000 evaluations the 30 ms target's
        /// mean gap to 83.058 (the best known then) was 0.56 pt at γ = 0.06, 0.42 at 0.03, 0.27
        /// at 0.015, 0.32 at 0.0075.
        public static let gamma = 0.015
        public static let ridge = 0.005
    }

    public init(evaluations: Int, initial: Int? = nil, batch: Int? = nil) {
        self.evaluations = evaluations
        self.initial = initial
        self.batch = batch
    }

    /// A quarter of the budget, at most 25 per target, at least 4 per target.
    public func defaultInitial(targets: Int) -> Int { max(4 * targets, min(evaluations / 4, 25 * targets)) }
    /// Four per target (a twentieth of the budget when that is less, at least one per target):
    /// small batches refit more often, which measured better than large ones at every budget.
    public func defaultBatch(targets: Int) -> Int { max(targets, min(evaluations / 20, 4 * targets)) }

    public func validate() throws {
        try SearchSettings.check("evaluations", evaluations, 1...Self.maxEvaluations)
        if let initial { try SearchSettings.check("initial", initial, 1...evaluations) }
        if let batch { try SearchSettings.check("batch", batch, 1...evaluations) }
        try SearchSettings.check("inner population", innerPopulation, 2...SearchSettings.maxPopulation)
        try SearchSettings.check("inner generations", innerGenerations, 0...SearchSettings.maxGenerations)
        try SearchSettings.check("inner starts", innerStarts, 1...Self.maxStarts)
        try SearchSettings.check("inner stall", innerStall, 1...SearchSettings.maxGenerations)
        guard gamma.isFinite, gamma > 0 else { throw SearchError.invalidSetting("gamma must be a positive number, got \(gamma)") }
        guard ridge.isFinite, ridge > 0 else { throw SearchError.invalidSetting("ridge must be a positive number, got \(ridge)") }
        guard warmStart.count + evaluations <= Self.maxFitted else {
            throw SearchError.invalidSetting("warm start (\(warmStart.count) measurements) and evaluations (\(evaluations)) together must be at most \(Self.maxFitted): the surrogate fits every one")
        }
        guard maxTries >= 1 else { throw SearchError.invalidSetting("max tries must be at least 1, got \(maxTries)") }
    }

    public func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        try search(problem, budgets: [problem.budget], seed: seed)[0]
    }

    public func search(_ problem: SearchProblem, budgets: [Double], seed: UInt64) throws -> [SearchResult] {
        try validate()
        guard !budgets.isEmpty else { return [] }
        guard evaluations >= budgets.count else {
            throw SearchError.invalidSetting("evaluations must be at least the number of targets (\(budgets.count)), got \(evaluations)")
        }
        var loop = try SurrogateLoop(search: self, problem: problem, targets: budgets, seed: seed)
        try loop.run()
        return loop.results()
    }
}
