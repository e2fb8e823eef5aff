import OFACore

/// One search per latency target, over many targets, with the warm starts of "Efficient
/// Incorporation of Multiple Latency Targets in the Once-For-All Network" (arXiv 2012.06748).
///
/// Modes:
/// - ``Mode/independent``: a fresh evolutionary search per target, each with its own cache and the
///   sweep's seed: exactly what `ofasearch search --target a,b,...` does.
/// - ``Mode/bottomUp``: targets in ascending order; the first gets a full search; each next one
///   starts from the previous final population (all of it fits the larger budget) and evolves
///   ``warmGenerations`` generations.
/// - ``Mode/topDown``: targets in descending order; the first gets a full search; for each next
///   one the previous result is shrunk by ``RandomizedPruning`` until it fits, the population is
///   seeded from it and evolved ``warmGenerations`` generations.
/// - ``Mode/nsga2``: one ``NSGA2Search`` under the largest target; each target's answer is the
///   most accurate member of its Pareto front within that target.
///
/// Variants:
/// - ``Variant/paper``, the paper's code: the previous target's best is pruned in place, so that
///   target's reported `arch` becomes the pruned one while its accuracy and latency stay (flagged
///   `arch_overwritten`); pruning happens even when the architecture already fits; the
///   resolution is never pruned; the population is seeded with identical copies of the one pruned
///   architecture; Bottom-up carries the previous final population unchanged; every stage runs
///   all its generations.
/// - ``Variant/improved``: previous results are never changed; an architecture that already fits
///   is kept as is; the resolution may be pruned; Top-down seeds with pruned copies of the
///   evaluated front just above the new target (the previous elite when there is none), Bottom-up
///   with the previous elite and grown copies of it; warm stages keep half the population as
///   parents (``warmParentRatio``); a stage ends early once its best has stalled
///   (``firstStall`` generations for the first, full search, ``warmStall`` for warm stages); and a
///   target's answer is the most accurate architecture the sweep has evaluated within it.
///
/// The first target of a paper sweep is searched exactly as Independent searches it (same seed,
/// empty cache), so the two agree there; the improved sweep's first search is the same until it
/// stalls. Warm sweeps share one ``Evaluator`` (and so one memo cache) across their targets;
/// Independent gives each target its own, as separate runs would.
///
/// Counting rule: `evaluations` are accuracy requests, repeats and cache hits included (OFA's
/// count), for every mode alike: a full search costs P × (N + 1), a warm stage P' + P × N2, where
/// P' is the size of the seeded population (P for Top-down, the previous final population,
/// P + parents, for Bottom-up). Pruning asks for latencies only; they are in
/// `efficiency_evaluations`. The memo cache changes `predictor_calls` and wall time, never
/// `evaluations`.
///
/// ```swift
/// let problem = SearchProblem(space: space, accuracy: mlp, efficiency: note10, budget: 60)
/// let sweep = MultiTargetSweep(mode: .topDown, variant: .improved, warmGenerations: 100,
///                              strategy: EvolutionarySearch())
/// let out = try sweep.run(problem: problem, targets: [15, 20, 25, 30], seed: 3)
/// out.results.map(\.best.accuracy)   // in the order of `targets`
/// out.evaluations; out.seconds       // totals
/// ```
public struct MultiTargetSweep: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case independent
        case bottomUp = "bottom-up"
        case topDown = "top-down"
        /// One multi-objective (NSGA-II) search under the largest target; each target takes the
        /// best member of its front.
        case nsga2
    }

    public enum Variant: String, Sendable, CaseIterable {
        /// The paper's exact behaviour, quirks included.
        case paper
        /// The corrected behaviour.
        case improved
    }

    public var mode: Mode
    public var variant: Variant
    /// Generations of each warm stage (the paper's `max_time_budget2`, 100).
    public var warmGenerations: Int
    /// The first (full) search of a warm sweep also ends once its best has not improved for this
    /// many generations (improved: 100, a fifth of OFA's 500; paper: never).
    public var firstStall: Int?
    /// A warm stage also ends once its best has not improved for this many generations
    /// (improved: 70; paper: never).
    public var warmStall: Int?
    /// Share of the population kept as parents in warm stages (improved: 0.5, the diversity a
    /// seeded population needs; paper: the full search's, OFA's 0.25).
    public var warmParentRatio: Double?
    /// The full search (its termination applies to the first target of a warm sweep and to every
    /// target of Independent); warm stages use it with ``warmGenerations``.
    public var strategy: EvolutionarySearch
    /// The multi-objective search of ``Mode/nsga2``.
    public var nsga2: NSGA2Search
    /// ``Mode/nsga2``: rank costs below the smallest target as equal to it (``NSGA2Search/costFloor``)
    /// unless the search has its own floor; false runs it without one (as before issue 16).
    public var nsga2FloorAtSmallestTarget = true
    /// Called after each target's search with the number of targets done, the total and the
    /// result (for progress on a terminal).
    public var progress: (@Sendable (_ done: Int, _ total: Int, _ result: SearchResult) -> Void)?

    public init(mode: Mode, variant: Variant = .improved, warmGenerations: Int = 100,
                strategy: EvolutionarySearch = EvolutionarySearch(), nsga2: NSGA2Search = NSGA2Search()) {
        self.mode = mode
        self.variant = variant
        self.warmGenerations = warmGenerations
        self.strategy = strategy
        self.nsga2 = nsga2
        if variant == .improved {
            firstStall = 100
            warmStall = 70
            warmParentRatio = 0.5
        }
    }

    /// The pruning Top-down uses in this variant.
    public var pruning: RandomizedPruning { variant == .paper ? .paper : .improved }

    public func validate() throws {
        guard warmGenerations >= 0 else { throw SearchError.invalidSetting("warm generations must be at least 0, got \(warmGenerations)") }
        for (name, stall) in [("first stall", firstStall), ("warm stall", warmStall)] {
            if let stall, stall < 1 { throw SearchError.invalidSetting("\(name) must be at least 1 generation, got \(stall)") }
        }
        if let r = warmParentRatio, !(r > 0 && r <= 1) { throw SearchError.invalidSetting("warm parent ratio must be in (0, 1], got \(r)") }
        try strategy.validate()
        if mode == .nsga2 { try nsga2.validate() }
    }

    /// Seed of stage `k` of a warm sweep: the sweep's seed for the first, derived ones after.
    static func stageSeed(_ seed: UInt64, _ k: Int) -> UInt64 {
        if k == 0 { return seed }
        var g = SeededGenerator(seed: seed, stream: UInt64(k))
        return g.next()
    }

    /// Runs the sweep. `problem` gives the space, predictors and threads (its budget is ignored);
    /// results come back in the order of `targets`. Throws ``SearchError/infeasibleBudget`` when
    /// a target is below the space's cheapest cost, before anything runs.
    public func run(problem: SearchProblem, targets: [Double], seed: UInt64) throws -> MultiTargetResult {
        try validate()
        guard !targets.isEmpty else { throw SearchError.invalidSetting("no targets given") }
        let start = ContinuousClock.now
        let range = try problem.feasibleRange()
        for t in targets where !(t.isFinite && t >= range.minimum) {
            throw SearchError.infeasibleBudget(budget: t, range: range, metric: problem.metric)
        }
        var out = MultiTargetResult(mode: mode, variant: variant, warmGenerations: warmGenerations, seed: seed, targets: targets)
        out.firstStall = firstStall
        out.warmStall = warmStall
        out.warmParentRatio = warmParentRatio
        switch mode {
        case .independent:
            var results: [SearchResult] = []
            for t in targets {
                let r = try strategy.search(problem.fresh(budget: t), seed: seed)
                out.counts = out.counts.adding(r.counts)
                results.append(r)
                progress?(results.count, targets.count, r)
            }
            out.results = results
            out.order = Array(targets.indices)
        case .bottomUp, .topDown:
            try runWarm(problem: problem, seed: seed, into: &out)
        case .nsga2:
            try runNSGA2(problem: problem, seed: seed, into: &out)
        }
        out.seconds = secondsSince(start)
        return out
    }

    /// The operator that seeds the warm stages of this mode and variant.
    public var seeding: any WarmStartSeeding {
        switch (mode, variant) {
        case (.bottomUp, .paper): CarriedPopulationSeeding()
        case (.bottomUp, .improved): GrownEliteSeeding()
        case (_, .paper): PrunedBestSeeding(pruning: pruning)
        case (_, .improved): PrunedFrontSeeding(pruning: pruning)
        }
    }

    private func runWarm(problem: SearchProblem, seed: UInt64, into out: inout MultiTargetResult) throws {
        let targets = out.targets
        let ascending = mode == .bottomUp
        // Stable: equal targets keep their given order.
        let order = targets.indices.sorted { i, j in
            targets[i] != targets[j] ? (ascending ? targets[i] < targets[j] : targets[i] > targets[j]) : i < j
        }
        let shared = problem.fresh(budget: targets[order[0]])
        let evaluator = shared.evaluator
        let before = evaluator.counts
        var first = strategy
        if let firstStall { first.termination.stall = firstStall }
        var warm = strategy
        warm.termination = Termination(generations: warmGenerations, stall: warmStall)
        if let warmParentRatio { warm.parentRatio = warmParentRatio }
        let seeding = self.seeding

        var state = WarmSweepState(count: targets.count)
        for (k, index) in order.enumerated() {
            let budget = targets[index]
            let stageSeed = Self.stageSeed(seed, k)
            if k == 0 {
                let r = try first.search(shared.with(budget: budget), seed: stageSeed)
                for c in r.front { state.archive.insert(c) }
                state.results[index] = r
                progress?(1, targets.count, r)
                continue
            }
            var rng = SeededGenerator(seed: seed, stream: 0x5052_554E_0000 + UInt64(k))
            let stage = WarmStart(previous: state.results[order[k - 1]]!, budget: budget, space: problem.space, archive: state.archive,
                                  evaluator: evaluator, population: strategy.population, parentCount: strategy.parentCount)
            let seeds = try seeding.seed(stage, using: &rng)
            state.pruned[index] = seeds.pruning
            if let arch = seeds.overwritesPreviousBest { state.overwrite(with: arch, stages: order[..<k]) }
            var r = try warm.search(shared.with(budget: budget), seed: stageSeed, initialPopulation: seeds.architectures)
            state.bestIsSeed[index] = mode == .topDown && r.best.arch == seeds.architectures[0]
            for c in r.front { state.archive.insert(c) }
            if variant == .improved { state.fromEarlierStage[index] = Self.adoptArchiveBest(state.archive, budget: budget, into: &r) }
            state.results[index] = r
            progress?(k + 1, targets.count, r)
        }
        out.results = state.results.map { $0! }
        out.order = order
        out.pruning = state.pruned
        out.overwritten = state.overwritten
        out.fromEarlierStage = state.fromEarlierStage
        out.counts = evaluator.counts.since(before)
        out.counts.uniqueArchitectures = out.results.reduce(0) { $0 + $1.counts.uniqueArchitectures }
    }

    /// The improved variant: a target's answer is the most accurate architecture the sweep has
    /// evaluated within it. When that is not the stage's own best, the answer, its curve and its
    /// front say so (the last point is the archive's); true then.
    private static func adoptArchiveBest(_ archive: ParetoFront, budget: Double, into r: inout SearchResult) -> Bool {
        guard let b = archive.best(within: budget), b.accuracy > r.best.accuracy else { return false }
        r.best = b
        r.front = ParetoFront(r.front + [b]).members
        if let last = r.history.last {
            r.history.append(.init(generation: last.generation, evaluations: last.evaluations, accuracy: b.accuracy, efficiency: b.efficiency))
        }
        return true
    }

    private func runNSGA2(problem: SearchProblem, seed: UInt64, into out: inout MultiTargetResult) throws {
        let targets = out.targets
        let top = targets.max()!
        var nsga2 = self.nsga2
        // The smallest target bounds the window the answers come from (see NSGA2Search.costFloor).
        if nsga2.costFloor == nil, nsga2FloorAtSmallestTarget { nsga2.costFloor = targets.min() }
        if nsga2.targets.isEmpty { nsga2.targets = targets }
        let r = try nsga2.search(problem.fresh(budget: top), seed: seed)
        var results: [SearchResult] = []
        for (i, t) in targets.enumerated() {
            var x = r
            x.budget = t
            // The front holds every architecture evaluated; the cheapest always fits a feasible target.
            x.best = ParetoFront(r.front).best(within: t) ?? r.front[0]
            if i > 0 { x.counts = EvaluationCounts(); x.rejected = 0; x.repaired = 0; x.seconds = 0 }
            x.sweep = .init(budgets: targets.count, evaluations: r.evaluations, seconds: r.seconds)
            results.append(x)
        }
        out.results = results
        out.order = Array(targets.indices)
        out.counts = r.counts
        out.nsga2 = r
        out.nsga2Settings = nsga2
    }
}

/// What a warm sweep has done so far, per target (in the order the targets were given).
private struct WarmSweepState {
    var results: [SearchResult?]
    var pruned: [MultiTargetResult.Pruning?]
    var overwritten: [Bool]
    /// Paper quirk: whether a stage's best is the very architecture it was seeded with (the
    /// same Python object as the previous best, so a later in-place pruning rewrites both).
    var bestIsSeed: [Bool]
    var fromEarlierStage: [Bool]
    /// Pareto front of everything evaluated so far in the sweep.
    var archive = ParetoFront()

    init(count: Int) {
        results = Array(repeating: nil, count: count)
        pruned = Array(repeating: nil, count: count)
        overwritten = Array(repeating: false, count: count)
        bestIsSeed = overwritten
        fromEarlierStage = overwritten
    }

    /// The paper prunes the previous best's dict in place: that result (and every earlier one
    /// whose best was the same object) now shows the pruned arch. `stages`: the targets searched
    /// so far, in search order.
    mutating func overwrite(with arch: Architecture, stages: ArraySlice<Int>) {
        var j = stages.endIndex - 1
        while true {
            results[stages[j]]!.best.arch = arch
            overwritten[stages[j]] = true
            guard j > stages.startIndex, bestIsSeed[stages[j]] else { break }
            j -= 1
        }
    }
}

extension EvaluationCounts {
    /// The sum of two runs' counts.
    func adding(_ o: EvaluationCounts) -> EvaluationCounts {
        var s = self
        s.accuracyRequests += o.accuracyRequests
        s.accuracyPredictions += o.accuracyPredictions
        s.efficiencyRequests += o.efficiencyRequests
        s.efficiencyPredictions += o.efficiencyPredictions
        s.uniqueArchitectures += o.uniqueArchitectures
        return s
    }
}
