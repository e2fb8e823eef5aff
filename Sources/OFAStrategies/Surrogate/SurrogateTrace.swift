import OFACore

/// What a surrogate-assisted search did, round by round: how good its surrogate was on each batch
/// before the batch was evaluated, and where its time went.
///
/// ```swift
/// let results = try SurrogateSearch(evaluations: 1_000).search(problem, budgets: [15, 20, 25, 30], seed: 1)
/// results[0].surrogate?.rounds.last?.tau    // ranking quality on the last batch
/// ```
public struct SurrogateTrace: Sendable, Equatable {
    /// One round: a batch chosen on the surrogate, then evaluated on the truth.
    public struct Round: Sendable, Equatable {
        /// Truth evaluations made before this batch.
        public var evaluationsBefore: Int
        /// Architectures in the batch.
        public var batch: Int
        /// Kendall τ-b between the surrogate's predictions for the batch and the truth (nil for a
        /// batch of one, or one whose values are all equal).
        public var tau: Double?
        /// Root mean squared error of those predictions, in accuracy points (percent).
        public var rmse: Double
        /// Best evaluated accuracy per target after the batch, in the order of the targets.
        public var best: [Double?]
    }

    /// Truth evaluations of the initial design (before any surrogate).
    public var initial: Int
    /// Known measurements the search started from (not counted as evaluations).
    public var warmStart: Int
    public var rounds: [Round] = []
    /// Seconds spent fitting the surrogate, searching on it, and evaluating the truth.
    public var fitSeconds = 0.0
    public var innerSeconds = 0.0
    public var truthSeconds = 0.0

    /// `{"initial", "warm_start", "fit_seconds", "inner_seconds", "truth_seconds", "rounds": [{…}]}`.
    public var json: JSONValue {
        .object([
            ("initial", .int(initial)),
            ("warm_start", .int(warmStart)),
            ("fit_seconds", .double(fitSeconds)),
            ("inner_seconds", .double(innerSeconds)),
            ("truth_seconds", .double(truthSeconds)),
            ("rounds", .array(rounds.map { r in
                .object([("evaluations_before", .int(r.evaluationsBefore)), ("batch", .int(r.batch)),
                         ("tau", r.tau.map { .double($0) } ?? .null), ("rmse_points", .double(r.rmse)),
                         ("best", .array(r.best.map { $0.map { .double($0) } ?? .null }))])
            })),
        ])
    }
}

extension SurrogateTrace {
    /// Reads what ``json`` writes (a run's `runs/<id>.surrogate.json`).
    public init(json obj: JSONCObject) throws {
        self.init(initial: try obj.int("initial"), warmStart: try obj.int("warm_start"))
        fitSeconds = try obj.double("fit_seconds")
        innerSeconds = try obj.double("inner_seconds")
        truthSeconds = try obj.double("truth_seconds")
        guard let list = obj["rounds"], list.isArray else { throw JSONInputError.missingKey("rounds") }
        rounds = try (0..<list.count).map { i -> Round in
            guard let r = list[i], r.isObject, let best = r["best"], best.isArray else {
                throw JSONInputError.wrongType(key: "rounds[\(i)]", expected: "an object with evaluations_before, batch, tau, rmse_points and best")
            }
            return Round(evaluationsBefore: try r.int("evaluations_before"), batch: try r.int("batch"),
                         tau: r["tau"].flatMap { $0.isNull ? nil : $0.doubleValue }, rmse: try r.double("rmse_points"),
                         best: (0..<best.count).map { best[$0]?.doubleValue })
        }
    }
}

