import OFACore

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
    /// ``MultiTargetSweep/Mode/nsga2``: the search as it ran (its cost floor set).
    public var nsga2Settings: NSGA2Search?

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

    /// The front result: the Pareto front of everything the sweep evaluated (NSGA-II: its run's
    /// front; other modes: the union of the targets' fronts), each target's answer placed on it,
    /// and its hypervolume against `reference` (default: ``FrontResult/reference(targets:minAccuracy:)``).
    public func front(reference: Hypervolume.Reference? = nil) -> FrontResult {
        FrontResult(points: nsga2?.front ?? results.flatMap(\.front),
                    answers: results.map { (target: $0.budget, answer: $0.best) },
                    metric: results.first?.metric ?? .latency, reference: reference ?? FrontResult.reference(targets: targets))
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
    /// `predictor_calls`, `efficiency_evaluations`, `seconds`. With `front`, the results carry
    /// `front_index` instead of their own fronts and a top-level `front` (``FrontResult``) follows
    /// them. NSGA-II has its own layout, ``nsga2JSON(history:reference:)``.
    public func json(history: Bool = false, front: Bool = false, reference: Hypervolume.Reference? = nil) -> JSONValue {
        if mode == .nsga2 { return nsga2JSON(history: history, reference: reference) }
        var settings: [(String, JSONValue)] = []
        if mode == .bottomUp || mode == .topDown {
            settings = [("first_stall", firstStall.map { .int($0) } ?? .null), ("warm_stall", warmStall.map { .int($0) } ?? .null),
                        ("warm_parent_ratio", warmParentRatio.map { .double($0) } ?? .null)]
        }
        var results = resultsJSON(history: history)
        var frontFields: [(String, JSONValue)] = []
        if front {
            let f = self.front(reference: reference)
            results = zip(results, f.frontIndex).map { Self.adding(("front_index", $1.map { .int($0) } ?? .null), to: $0) }
            frontFields = [("front", f.json)]
        }
        return .object([
            ("multi", .string(mode.rawValue)),
            ("variant", .string(variant.rawValue)),
            ("warm_generations", .int(warmGenerations)),
        ] + settings + [
            ("seed", .int(Int(truncatingIfNeeded: seed))),
            ("order", .array(order.map { .double(targets[$0]) })),
            ("results", .array(results)),
        ] + frontFields + [
            ("evaluations", .int(evaluations)),
            ("predictor_calls", .int(counts.accuracyPredictions)),
            ("efficiency_evaluations", .int(counts.efficiencyRequests)),
            ("seconds", .double(seconds)),
        ])
    }

    /// NSGA-II's JSON: its settings (`multi`, `seed`, `population`, `generations`,
    /// `mutation_ratio`, `parents`, `initialization`, `eliminate_duplicates`, `cost_floor`), `results` (per
    /// target: `target`, `arch`, `accuracy`, the cost, `front_index`), the `front` (always, with
    /// its points), then the run's totals once: `evaluations`, `unique_architectures`,
    /// `predictor_calls`, `cache_hit_rate`, `efficiency_evaluations`, `rejected`, `repaired`,
    /// `seconds` (the whole sweep's wall time), and with `history` the run's best-so-far rows.
    public func nsga2JSON(history: Bool = false, reference: Hypervolume.Reference? = nil) -> JSONValue {
        guard let run = nsga2 else { return .null }
        let f = front(reference: reference)
        let metric = run.metric
        var fields: [(String, JSONValue)] = [("multi", .string(mode.rawValue)), ("seed", .int(Int(truncatingIfNeeded: seed)))]
        if let s = nsga2Settings {
            fields += [("population", .int(s.population)), ("generations", .int(run.generations)),
                       ("mutation_ratio", .double(s.mutationRatio)), ("parents", .string(s.parents.rawValue)),
                       ("initialization", .string(s.initialization.rawValue)),
                       ("eliminate_duplicates", .bool(s.eliminateDuplicates)),
                       ("cost_floor", s.costFloor.map { .double($0) } ?? .null)]
        }
        fields.append(("results", .array(results.indices.map { i in
            .object([("target", .double(targets[i])), ("arch", results[i].best.arch.json), ("accuracy", .double(results[i].best.accuracy)),
                     (metric.rawValue, .double(results[i].best.efficiency)), ("front_index", f.frontIndex[i].map { .int($0) } ?? .null)])
        })))
        fields.append(("front", f.json))
        fields += [
            ("evaluations", .int(run.counts.accuracyRequests)),
            ("unique_architectures", .int(run.counts.uniqueArchitectures)),
            ("predictor_calls", .int(run.counts.accuracyPredictions)),
            ("cache_hit_rate", .double((run.counts.cacheHitRate * 1e6).rounded() / 1e6)),
            ("efficiency_evaluations", .int(run.counts.efficiencyRequests)),
            ("rejected", .int(run.rejected)),
            ("repaired", .int(run.repaired)),
            ("seconds", .double(seconds)),
        ]
        if history {
            fields.append(("history", .array(run.history.map { .array([.int($0.generation), .int($0.evaluations), .double($0.accuracy)]) })))
        }
        return .object(fields)
    }

    /// `value` (an object) with `field` appended.
    static func adding(_ field: (String, JSONValue), to value: JSONValue) -> JSONValue {
        guard case var .object(fields) = value else { return value }
        fields.append(field)
        return .object(fields)
    }
}
