/// What a ``MultiTargetSweep`` found: one ``SearchResult`` per target (in the order the targets
/// were given) and the totals of the whole sweep.
///
/// Everything but the `seconds` fields is a pure function of the problem, the sweep's settings
/// and the seed.
///
/// ```swift
/// let out = try MultiTargetSweep(mode: .bottomUp).run(problem: problem, targets: [15, 20, 25], seed: 1)
/// print(out.json().rendered(indent: 2))
/// ```
public struct MultiTargetResult: Sendable {
    /// How Top-down pruned the previous result to seed a target's search.
    public struct Pruning: Sendable, Equatable {
        /// Architectures pruned (the evaluated front above the target in the improved variant, the
        /// one best in the paper's).
        public var sources: Int
        /// Seeds made (one per population member in the improved variant).
        public var seeds: Int
        /// Seeds whose pruning ended within the budget; the others were repaired by the search.
        public var fitted: Int
        /// Choices lowered, over all seeds.
        public var changes: Int
        /// Cost of the first seed after pruning.
        public var firstSeedCost: Double

        init(from sources: [Architecture], outcomes: [RandomizedPruning.Outcome]) {
            self.sources = sources.count
            seeds = outcomes.count
            fitted = outcomes.filter(\.fits).count
            changes = outcomes.reduce(0) { $0 + $1.changes }
            firstSeedCost = outcomes.first?.cost ?? .nan
        }

        var json: JSONValue {
            .object([("sources", .int(sources)), ("seeds", .int(seeds)), ("fitted", .int(fitted)),
                     ("changes", .int(changes)), ("first_seed_cost", .double(firstSeedCost))])
        }
    }

    public var mode: MultiTargetSweep.Mode
    public var variant: MultiTargetSweep.Variant
    public var warmGenerations: Int
    public var seed: UInt64
    /// The targets as given.
    public var targets: [Double]
    /// One result per target, in the order of ``targets``.
    public var results: [SearchResult] = []
    /// Indices into ``targets`` in the order they were searched.
    public var order: [Int] = []
    /// Top-down: how each target's seeds were made (nil for the first target and other modes).
    public var pruning: [MultiTargetResult.Pruning?] = []
    /// Paper variant of Top-down: results whose `arch` a later in-place pruning replaced (their
    /// accuracy and latency describe the architecture found, not the one shown).
    public var overwritten: [Bool] = []
    /// Improved warm sweeps: results whose answer is an architecture an earlier stage evaluated,
    /// better than anything the target's own search found.
    public var fromEarlierStage: [Bool] = []
    /// The stall and parent settings the warm sweep ran with (nil: none).
    public var firstStall: Int?
    public var warmStall: Int?
    public var warmParentRatio: Double?
    /// Predictor work of the whole sweep (pruning and growth included); `uniqueArchitectures` is
    /// the sum over targets of each search's own count.
    public var counts = EvaluationCounts()
    /// Wall time of the whole sweep (feasibility check, pruning and searches).
    public var seconds = 0.0
    /// ``MultiTargetSweep/Mode/nsga2``: the one multi-objective run the answers come from.
    public var nsga2: SearchResult?

    init(mode: MultiTargetSweep.Mode, variant: MultiTargetSweep.Variant, warmGenerations: Int, seed: UInt64, targets: [Double]) {
        self.mode = mode
        self.variant = variant
        self.warmGenerations = warmGenerations
        self.seed = seed
        self.targets = targets
    }

    /// Accuracy evaluations of the whole sweep (the counting rule is in ``MultiTargetSweep``).
    public var evaluations: Int { counts.accuracyRequests }

    /// Hypervolume of the sweep's answers (one point per target), see ``Hypervolume``.
    public func hypervolume(reference: Hypervolume.Reference) -> Double {
        Hypervolume.area(of: results.map { ($0.best.efficiency, $0.best.accuracy) }, reference: reference)
    }

    /// Hypervolume of everything the sweep evaluated (the union of the targets' Pareto fronts).
    public func evaluatedHypervolume(reference: Hypervolume.Reference) -> Double {
        Hypervolume.area(of: results.flatMap { $0.front.map { ($0.efficiency, $0.accuracy) } }, reference: reference)
    }

    /// The results' JSON (as ``SearchResult/json(history:front:population:)``, plus `pruning` and
    /// `arch_overwritten` where they apply), in the order of the targets.
    public func resultsJSON(history: Bool = false, front: Bool = false) -> [JSONValue] {
        results.indices.map { i in
            guard case var .object(fields) = results[i].json(history: history, front: front) else { return .null }
            if i < pruning.count, let p = pruning[i] { fields.append(("pruning", p.json)) }
            if i < overwritten.count, overwritten[i] { fields.append(("arch_overwritten", .bool(true))) }
            if i < fromEarlierStage.count, fromEarlierStage[i] { fields.append(("best_from_earlier_stage", .bool(true))) }
            return .object(fields)
        }
    }

    /// `multi`, `variant`, `warm_generations` (and for warm sweeps `first_stall`, `warm_stall`,
    /// `warm_parent_ratio`, null when unset), `seed`, `order`, `results`, `evaluations`,
    /// `predictor_calls`, `efficiency_evaluations`, `seconds`.
    public func json(history: Bool = false, front: Bool = false) -> JSONValue {
        var settings: [(String, JSONValue)] = []
        if mode == .bottomUp || mode == .topDown {
            settings = [("first_stall", firstStall.map { .int($0) } ?? .null), ("warm_stall", warmStall.map { .int($0) } ?? .null),
                        ("warm_parent_ratio", warmParentRatio.map { .double($0) } ?? .null)]
        }
        return .object([
            ("multi", .string(mode.rawValue)),
            ("variant", .string(variant.rawValue)),
            ("warm_generations", .int(warmGenerations)),
        ] + settings + [
            ("seed", .int(Int(truncatingIfNeeded: seed))),
            ("order", .array(order.map { .double(targets[$0]) })),
            ("results", .array(resultsJSON(history: history, front: front))),
            ("evaluations", .int(evaluations)),
            ("predictor_calls", .int(counts.accuracyPredictions)),
            ("efficiency_evaluations", .int(counts.efficiencyRequests)),
            ("seconds", .double(seconds)),
        ])
    }
}
