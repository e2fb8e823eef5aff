import OFACore
import OFAStrategies

/// One line of `fronts.jsonl`: the front result of one planned run, written once however many
/// targets the run answered (an NSGA-II run, an exhaustive enumeration or a multi-target sweep
/// answers several). Its `front` object has the layout of `ofasearch search --front`
/// (``FrontResult``: `size`, `hypervolume` with its reference, `points` cheapest first); the
/// run's lines in `runs.jsonl` point into `points` with `front_index`.
///
/// ```json
/// {"run":"main__ofa-mbv3-w1.2__nsga2__nsga2-K4__s1__r0","index":7,"part":"main","space":"ofa-mbv3-w1.2",
///  "strategy":"nsga2","multi":"nsga2","k":4,"seed":1,"repeat":0,"targets":[15,20,25,30],"projected":false,
///  "front":{"size":61,"hypervolume":{"value":0.96,"min_accuracy":0.7,"min_latency_ms":15,"max_latency_ms":30},
///           "points":[{"accuracy":0.75,"latency_ms":9.9,"arch":{...}}, ...]}}
/// ```
///
/// A run searched on a proxy cost model (`projection:`) has its front in the proxy's costs
/// (`projected: true`); its records' costs are the real predictor's.
public struct RunFront: Sendable {
    public var run: String
    public var index: Int
    public var part: String
    public var space: String
    public var strategy: String
    /// `none`, `independent`, `bottom-up`, `top-down` or `nsga2`, as in ``RunRecord/multi``.
    public var multi: String
    public var k: Int
    public var seed: UInt64
    public var repetition: Int
    /// The run's targets, in its order.
    public var targets: [Double]
    public var projected: Bool
    public var front: FrontResult

    /// The front of a finished run, with its targets' answers placed on it.
    public init(run: PlannedRun, outcome: SearchOutcome, metric: EfficiencyMetric, projected: Bool) {
        self.run = run.id; index = run.index; part = run.part; space = run.space; strategy = run.strategy.label
        multi = run.mode?.rawValue ?? "none"; k = run.targets.count; seed = run.seed; repetition = run.repetition
        targets = run.targets
        self.projected = projected
        front = outcome.frontResult(metric: metric)
    }

    public var json: JSONValue {
        .object([
            ("run", .string(run)), ("index", .int(index)), ("part", .string(part)), ("space", .string(space)),
            ("strategy", .string(strategy)), ("multi", .string(multi)), ("k", .int(k)),
            ("seed", .int(Int(truncatingIfNeeded: seed))), ("repeat", .int(repetition)),
            ("targets", .array(targets.map { .double($0) })), ("projected", .bool(projected)),
            ("front", front.json),
        ])
    }

    /// Reads a line written by ``json``; errors name the key.
    public init(json obj: JSONCObject) throws {
        (run, index, part, space, strategy) = try obj.runIdentity()
        multi = try obj.string("multi")
        k = try obj.int("k")
        seed = UInt64(truncatingIfNeeded: try obj.int("seed"))
        repetition = try obj.int("repeat")
        projected = obj["projected"]?.boolValue ?? false
        guard let f = obj["front"], f.isObject else { throw JSONInputError.missingKey("front") }
        targets = try obj.doubleArray("targets")
        front = try FrontResult(json: f)
    }
}

extension FrontResult {
    /// Reads the `front` object that ``json`` writes (the metric from its cost key); the
    /// hypervolume is recomputed from the points and the stated reference, which gives the
    /// written value. The answers are not part of it (the records point into `points`).
    init(json obj: JSONCObject) throws {
        guard let hv = obj["hypervolume"], hv.isObject else { throw JSONInputError.missingKey("front.hypervolume") }
        let metric: EfficiencyMetric = hv["max_macs"] != nil ? .macs : .latency
        let minCost = hv["min_" + metric.rawValue]?.doubleValue ?? -.infinity
        let reference = Hypervolume.Reference(maxCost: try hv.double("max_" + metric.rawValue), minAccuracy: try hv.double("min_accuracy"),
                                              minCost: minCost)
        guard let list = obj["points"], list.isArray else { throw JSONInputError.missingKey("front.points") }
        let points = try (0..<list.count).map { i -> Candidate in
            guard let p = list[i], p.isObject, let a = p["arch"] else {
                throw JSONInputError.wrongType(key: "front.points[\(i)]", expected: "an object with accuracy, \(metric.rawValue) and arch")
            }
            return Candidate(arch: try Architecture(json: a), accuracy: try p.double("accuracy"), efficiency: try p.double(metric.rawValue))
        }
        self.init(points: points, answers: [], metric: metric, reference: reference)
    }
}

extension JSONCObject {
    /// The keys that name a planned run in `runs.jsonl` and `fronts.jsonl` (run id, plan
    /// position, part, space, strategy label); errors name the key.
    func runIdentity() throws -> (run: String, index: Int, part: String, space: String, strategy: String) {
        (try string("run"), try int("index"), try string("part"), try string("space"), try string("strategy"))
    }
}
