import OFACore
import OFAStrategies

/// One line of `runs.jsonl`: the result of one planned run for one target, with the run's totals.
///
/// Lines are rendered with ``JSONValue`` (fixed key order, shortest round-trip numbers), so a
/// re-run with the same seed writes the same bytes except for the two timing fields, `seconds`
/// and `run_seconds`.
///
/// ```json
/// {"run":"main__compofa-mbv3-w1.2__evolutionary__t25__s3__r0","part":"main","space":"compofa-mbv3-w1.2",
///  "strategy":"evolutionary","kind":"evolutionary","multi":"none","k":1,"target":25,"seed":3,"repeat":0,
///  "run_seed":3,"accuracy":0.8112,"latency_ms":24.93,"evaluations":50100,"unique_archs":1190,"seconds":0.41,...}
/// ```
public struct RunRecord: Sendable {
    public var run: String
    public var index: Int
    public var part: String
    public var space: String
    public var strategy: String
    public var kind: StrategySpec.Kind
    /// `none`, `independent`, `bottom-up` or `top-down`.
    public var multi: String
    /// `paper` or `improved` for warm-started modes; nil otherwise.
    public var variant: String?
    /// Number of targets searched together in this run.
    public var k: Int
    public var target: Double
    public var seed: UInt64
    public var repetition: Int
    public var runSeed: UInt64
    /// Predicted top-1 as a fraction; nil when nothing feasible was found.
    public var accuracy: Double?
    public var metric: EfficiencyMetric
    /// Cost in the metric's unit (`latency_ms` or `macs` in the JSON).
    public var efficiency: Double?
    public var evaluations: Int
    public var uniqueArchitectures: Int
    public var seconds: Double
    public var runEvaluations: Int
    public var runUniqueArchitectures: Int
    public var runSeconds: Double
    public var arch: Architecture?
    public var bestSoFar: [CurvePoint]
    /// The answer's index in its run's front (`fronts.jsonl`, ``RunFront``); nil when nothing
    /// feasible was found or the answer is not on the front (another target's search of the
    /// same run found a subnet both cheaper and more accurate).
    public var frontIndex: Int?
    /// Set when the search ran on a proxy cost model and its time is projected (see
    /// ``SpaceEntry/Projection``): the proxy's cost of the best subnet and the real predictor's
    /// measured cost per architecture (seconds), and the factor the proxy was scaled by to this
    /// machine (median real / proxy cost over the sampled subnets).
    public var projection: (proxyCost: Double, secondsPerArchitecture: Double, proxyScale: Double)?

    /// The records of one finished run, one per target, in the run's target order; `front` is
    /// the run's front result (``SearchOutcome/frontResult(metric:)``) that `front_index` points into.
    public static func records(run: PlannedRun, outcome: SearchOutcome, front: FrontResult, metric: EfficiencyMetric, seconds: Double) -> [RunRecord] {
        let k = outcome.targets.count
        return outcome.targets.map { t in
            RunRecord(run: run.id, index: run.index, part: run.part, space: run.space, strategy: run.strategy.label,
                      kind: run.strategy.kind, multi: run.mode?.rawValue ?? "none", variant: run.variant?.rawValue, k: run.targets.count, target: t.target,
                      seed: run.seed, repetition: run.repetition, runSeed: run.runSeed,
                      accuracy: t.arch == nil ? nil : t.accuracy, metric: metric, efficiency: t.arch == nil ? nil : t.efficiency,
                      evaluations: t.evaluations, uniqueArchitectures: t.uniqueArchitectures,
                      seconds: t.seconds ?? seconds / Double(max(k, 1)), runEvaluations: outcome.evaluations,
                      runUniqueArchitectures: outcome.uniqueArchitectures, runSeconds: seconds, arch: t.arch,
                      bestSoFar: steps(t.bestSoFar),
                      frontIndex: t.arch.flatMap { FrontResult.index(of: Candidate(arch: $0, accuracy: t.accuracy, efficiency: t.efficiency), in: front.points) })
        }
    }

    /// This record of a search run on a proxy cost model, with its time projected for the real
    /// one: each distinct architecture evaluated costs `secondsPerArchitecture` more, and the best
    /// subnet's cost is the real predictor's.
    func projected(secondsPerArchitecture cost: Double, proxyScale: Double = 1, realCost: any EfficiencyPredictor) throws -> RunRecord {
        var r = self
        r.projection = (efficiency ?? .nan, cost, proxyScale)
        if let arch {
            r.efficiency = try PredictionCheck.efficiency(try realCost.predictEfficiency(arch), of: arch, metric: realCost.metric, predictor: realCost.name)
        }
        r.seconds += Double(uniqueArchitectures) * cost
        r.runSeconds += Double(runUniqueArchitectures) * cost
        return r
    }

    /// A best-so-far curve reduced to its steps (the first point, every improvement, the last).
    static func steps(_ curve: [CurvePoint]) -> [CurvePoint] {
        var out: [CurvePoint] = []
        for (i, p) in curve.enumerated() {
            if out.isEmpty || p.accuracy > out[out.count - 1].accuracy || i == curve.count - 1 { out.append(p) }
        }
        return out
    }

    public var json: JSONValue {
        func optional(_ v: Double?) -> JSONValue { v.map { .double($0) } ?? .null }
        return .object([
            ("run", .string(run)), ("index", .int(index)), ("part", .string(part)), ("space", .string(space)),
            ("strategy", .string(strategy)), ("kind", .string(kind.rawValue)), ("multi", .string(multi)), ("variant", variant.map { .string($0) } ?? .null), ("k", .int(k)),
            ("target", .double(target)), ("seed", .int(Int(truncatingIfNeeded: seed))), ("repeat", .int(repetition)),
            ("run_seed", .string(String(runSeed))),
            ("accuracy", optional(accuracy)), (metric.rawValue, optional(efficiency)),
            ("evaluations", .int(evaluations)), ("unique_archs", .int(uniqueArchitectures)), ("seconds", .double(seconds)),
            ("run_evaluations", .int(runEvaluations)), ("run_unique_archs", .int(runUniqueArchitectures)),
            ("run_seconds", .double(runSeconds)),
            ("arch", arch?.json ?? .null),
            ("best_so_far", .array(bestSoFar.map { .array([.int($0.evaluations), .double($0.accuracy)]) })),
            ("front_index", frontIndex.map { .int($0) } ?? .null),
            ("projected", .bool(projection != nil)),
        ] + (projection.map { [("proxy_cost", .double($0.proxyCost)), ("seconds_per_architecture", .double($0.secondsPerArchitecture)),
                               ("proxy_scale", .double($0.proxyScale))] } ?? []))
    }

    /// Reads a line written by ``json``; errors name the key.
    public init(json obj: JSONCObject) throws {
        (run, index, part, space, strategy) = try obj.runIdentity()
        guard let kind = StrategySpec.Kind(rawValue: try obj.string("kind")) else { throw JSONInputError.invalid("unknown strategy kind") }
        self.kind = kind
        multi = try obj.string("multi")
        variant = obj["variant"]?.stringValue
        k = try obj.int("k")
        target = try obj.double("target")
        seed = UInt64(truncatingIfNeeded: try obj.int("seed"))
        repetition = try obj.int("repeat")
        guard let rs = UInt64(try obj.string("run_seed")) else { throw JSONInputError.wrongType(key: "run_seed", expected: "an unsigned integer string") }
        runSeed = rs
        accuracy = obj["accuracy"]?.doubleValue
        if obj["macs"] != nil { metric = .macs } else { metric = .latency }
        efficiency = obj[metric.rawValue]?.doubleValue
        evaluations = try obj.int("evaluations")
        uniqueArchitectures = try obj.int("unique_archs")
        seconds = try obj.double("seconds")
        runEvaluations = try obj.int("run_evaluations")
        runUniqueArchitectures = try obj.int("run_unique_archs")
        runSeconds = try obj.double("run_seconds")
        if let a = obj["arch"], !a.isNull { arch = try Architecture(json: a) } else { arch = nil }
        func pairs(_ key: String) throws -> [(Double, Double)] {
            guard let list = obj[key], list.isArray else { throw JSONInputError.missingKey(key) }
            return try (0..<list.count).map { i in
                guard let p = list[i], p.isArray, p.count == 2, let a = p[0]?.doubleValue, let b = p[1]?.doubleValue else {
                    throw JSONInputError.wrongType(key: "\(key)[\(i)]", expected: "a pair of numbers")
                }
                return (a, b)
            }
        }
        bestSoFar = try pairs("best_so_far").map { CurvePoint(evaluations: Int($0.0), accuracy: $0.1) }
        // Folders written before fronts.jsonl carry a per-target `front` instead: not read.
        frontIndex = obj["front_index"]?.intValue
        if let p = obj["proxy_cost"]?.doubleValue, let s = obj["seconds_per_architecture"]?.doubleValue {
            projection = (p, s, obj["proxy_scale"]?.doubleValue ?? 1)
        }
    }

    init(run: String, index: Int, part: String, space: String, strategy: String, kind: StrategySpec.Kind, multi: String,
         variant: String?, k: Int, target: Double, seed: UInt64, repetition: Int, runSeed: UInt64, accuracy: Double?, metric: EfficiencyMetric,
         efficiency: Double?, evaluations: Int, uniqueArchitectures: Int, seconds: Double, runEvaluations: Int,
         runUniqueArchitectures: Int, runSeconds: Double, arch: Architecture?, bestSoFar: [CurvePoint], frontIndex: Int?) {
        self.run = run; self.index = index; self.part = part; self.space = space; self.strategy = strategy
        self.kind = kind; self.multi = multi; self.variant = variant; self.k = k; self.target = target; self.seed = seed
        self.repetition = repetition; self.runSeed = runSeed; self.accuracy = accuracy; self.metric = metric
        self.efficiency = efficiency; self.evaluations = evaluations; self.uniqueArchitectures = uniqueArchitectures
        self.seconds = seconds; self.runEvaluations = runEvaluations; self.runUniqueArchitectures = runUniqueArchitectures
        self.runSeconds = runSeconds; self.arch = arch; self.bestSoFar = bestSoFar; self.frontIndex = frontIndex
    }
}
