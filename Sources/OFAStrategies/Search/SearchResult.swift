import OFACore

/// What a search found and what it cost.
///
/// Everything but ``seconds`` (and the ``Sweep/seconds`` of a shared sweep) is a pure function of
/// the problem, the strategy's settings and the seed.
public struct SearchResult: Sendable {
    /// Best-so-far after a generation (0: the initial population) or a batch.
    public struct BestSoFar: Sendable, Equatable {
        public var generation: Int
        /// Accuracy evaluations made so far (repeats included).
        public var evaluations: Int
        public var accuracy: Double
        public var efficiency: Double
    }

    /// The shared cost of a search that answered several budgets at once (exhaustive search):
    /// the first budget's result carries the whole prediction cost, the others only their own.
    public struct Sweep: Sendable, Equatable {
        public var budgets: Int
        public var evaluations: Int
        public var seconds: Double
    }

    public var strategy: String
    public var space: String
    public var metric: EfficiencyMetric
    public var budget: Double
    public var seed: UInt64
    public var best: Candidate
    /// Predictor work of this run (requests, predictor rows, unique architectures).
    public var counts: EvaluationCounts
    public var generations: Int
    /// Candidates drawn and thrown away for being over budget.
    public var rejected: Int
    /// Candidates made feasible by ``ShrinkRepair`` after the rejection tries ran out.
    public var repaired: Int
    public var seconds: Double
    public var history: [BestSoFar]
    /// Accuracy–cost Pareto front of every candidate evaluated in this run.
    public var front: [Candidate]
    /// The final population (evolutionary search), for warm starts; empty for other strategies.
    public var population: [Candidate]
    public var sweep: Sweep?
    /// A surrogate-assisted search's rounds (on the first target's result of its run).
    public var surrogate: SurrogateTrace? = nil

    /// OFA's count of evaluations: accuracy requests, repeats included.
    public var evaluations: Int { counts.accuracyRequests }

    /// The result as JSON: `target`, `strategy`, `space`, `seed`, `arch`, `accuracy`,
    /// `latency_ms` or `macs`, `evaluations`, `unique_architectures`, `predictor_calls`,
    /// `cache_hit_rate`, `efficiency_evaluations`, `rejected`, `repaired`, `generations`,
    /// `seconds`, and optionally `history` (`[generation, evaluations, accuracy]` rows),
    /// `pareto_front` and `population`.
    public func json(history includeHistory: Bool = true, front includeFront: Bool = false,
                     population includePopulation: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("target", .double(budget)),
            ("strategy", .string(strategy)),
            ("space", .string(space)),
            ("seed", .int(Int(truncatingIfNeeded: seed))),
            ("arch", best.arch.json),
            ("accuracy", .double(best.accuracy)),
            (metric.rawValue, .double(best.efficiency)),
            ("evaluations", .int(counts.accuracyRequests)),
            ("unique_architectures", .int(counts.uniqueArchitectures)),
            ("predictor_calls", .int(counts.accuracyPredictions)),
            ("cache_hit_rate", .double((counts.cacheHitRate * 1e6).rounded() / 1e6)),
            ("efficiency_evaluations", .int(counts.efficiencyRequests)),
            ("rejected", .int(rejected)),
            ("repaired", .int(repaired)),
            ("generations", .int(generations)),
            ("seconds", .double(seconds)),
        ]
        if let sweep {
            fields.append(("sweep", .object([("targets", .int(sweep.budgets)), ("evaluations", .int(sweep.evaluations)),
                                             ("seconds", .double(sweep.seconds))])))
        }
        if includeHistory {
            fields.append(("history", .array(history.map {
                .array([.int($0.generation), .int($0.evaluations), .double($0.accuracy)])
            })))
        }
        if includeFront { fields.append(("pareto_front", .array(front.map { $0.json(metric: metric) }))) }
        if includePopulation { fields.append(("population", .array(population.map { $0.json(metric: metric) }))) }
        return .object(fields)
    }
}
