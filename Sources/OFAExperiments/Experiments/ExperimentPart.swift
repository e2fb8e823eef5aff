import OFACore
import OFAStrategies

/// One part of an experiment: spaces searched with the same predictors, strategies, targets and
/// seeds. An experiment such as `compofa-216x` has several parts with different predictors.
///
/// Fields left out of a part are taken from the top level of the manifest.
public struct ExperimentPart: Sendable {
    public var name: String
    /// Markdown shown in the report under the part's heading.
    public var notes: String?
    public var spaces: [SpaceEntry]
    public var accuracy: PredictorReference
    public var efficiency: PredictorReference
    public var strategies: [StrategySpec]
    /// Budgets in the efficiency predictor's unit (ms or MACs), in the order given.
    public var targets: [Double]
    /// Multi-target sweep settings; nil runs every target on its own.
    public var multi: MultiTargetSpec?
    public var seeds: [UInt64]
    /// Repetitions of each seed; repetition `r > 0` runs with a seed derived from the seed and `r`.
    public var repeats: Int
    /// The (space, strategy) the report measures speedups against.
    public var baseline: Baseline

    /// A (space, strategy label) pair.
    public struct Baseline: Sendable, Hashable {
        public var space: String
        public var strategy: String
        public init(space: String, strategy: String) {
            self.space = space
            self.strategy = strategy
        }
    }

    public init(name: String, notes: String? = nil, spaces: [SpaceEntry], accuracy: PredictorReference,
                efficiency: PredictorReference, strategies: [StrategySpec], targets: [Double],
                multi: MultiTargetSpec? = nil, seeds: [UInt64], repeats: Int = 1, baseline: Baseline? = nil) {
        self.name = name
        self.notes = notes
        self.spaces = spaces
        self.accuracy = accuracy
        self.efficiency = efficiency
        self.strategies = strategies
        self.targets = targets
        self.multi = multi
        self.seeds = seeds
        self.repeats = repeats
        self.baseline = baseline ?? Baseline(space: spaces.first?.name ?? "", strategy: strategies.first?.label ?? "")
    }

    /// The strategies that run in `space` (all of the part's unless the space narrows them).
    public func strategies(for space: SpaceEntry) -> [StrategySpec] {
        guard let only = space.strategies else { return strategies }
        return strategies.filter { only.contains($0.label) }
    }

    /// Accuracy predictor used in `space` (the space's own, else the part's).
    public func accuracy(for space: SpaceEntry) -> PredictorReference { space.accuracy ?? accuracy }
    /// Efficiency predictor used in `space` (the space's own, else the part's).
    public func efficiency(for space: SpaceEntry) -> PredictorReference { space.efficiency ?? efficiency }

    /// The efficiency metric of this part (all its spaces share one; the loader checks it).
    public var metric: EfficiencyMetric { efficiency.metric }

    func resolvedJSON(machineIndependent: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name))]
        if let notes { fields.append(("notes", .string(notes))) }
        fields.append(("spaces", .array(spaces.map { $0.resolvedJSON(machineIndependent: machineIndependent) })))
        fields.append(("accuracy", accuracy.resolvedJSON(machineIndependent: machineIndependent)))
        fields.append(("efficiency", efficiency.resolvedJSON(machineIndependent: machineIndependent)))
        fields.append(("strategies", .array(strategies.map(\.resolvedJSON))))
        fields.append(("targets", .array(targets.map { .double($0) })))
        if let multi { fields.append(("multi", multi.resolvedJSON)) }
        if let multi, multi.modes.contains(.nsga2) {
            // NSGA-II breeds from the targets' answers since issue 16's second round: its results
            // differ from earlier runs', so the fingerprint does too (an earlier output folder is
            // not resumed with them).
            fields.append(("nsga2", .object([("parents", .string(multi.settings.nsga2Parents.rawValue))])))
        }
        fields.append(("seeds", .array(seeds.map { .int(Int(truncatingIfNeeded: $0)) })))
        fields.append(("repeats", .int(repeats)))
        fields.append(("baseline", .object([("space", .string(baseline.space)), ("strategy", .string(baseline.strategy))])))
        return .object(fields)
    }
}

/// A space searched in a part: a catalogue name, optionally narrowed to some resolutions, to some
/// of the part's strategies, or with its own predictors (e.g. each supernet's own accuracy model).
public struct SpaceEntry: Sendable {
    public var name: String
    /// Resolutions narrowing the space; nil means all the space serves.
    public var resolutions: [Int]?
    /// Labels of the part's strategies that run here; nil means all.
    public var strategies: [String]?
    public var accuracy: PredictorReference?
    public var efficiency: PredictorReference?
    /// Runs the searches of this space on a proxy cost model and projects their time with the
    /// real one (for predictors too slow to search with, such as measured latency).
    public var projection: Projection?

    /// `projection: {proxy: cpu-lut-w1.0, samples: 20}`: the search runs with `proxy` as its
    /// efficiency predictor; its time is projected as the search's own time plus, for every
    /// distinct architecture it evaluated, the real predictor's cost per architecture, measured
    /// on `samples` random subnets of the space. The best subnets' costs are the real predictor's.
    public struct Projection: Sendable {
        public var proxy: PredictorReference
        public var samples: Int
        public init(proxy: PredictorReference, samples: Int = 20) {
            self.proxy = proxy
            self.samples = samples
        }
    }

    public init(name: String, resolutions: [Int]? = nil, strategies: [String]? = nil,
                accuracy: PredictorReference? = nil, efficiency: PredictorReference? = nil) {
        self.name = name
        self.resolutions = resolutions
        self.strategies = strategies
        self.accuracy = accuracy
        self.efficiency = efficiency
    }

    /// The catalogue space this entry names.
    public func makeSpace() throws(SpaceError) -> any SearchSpace {
        try SpaceCatalog.space(named: name, resolutions: resolutions)
    }

    func resolvedJSON(machineIndependent: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name))]
        let rs = resolutions ?? (try? makeSpace().resolutions) ?? []
        fields.append(("resolutions", .array(rs.map { .int($0) })))
        if let strategies { fields.append(("strategies", .array(strategies.map { .string($0) }))) }
        if let accuracy { fields.append(("accuracy", accuracy.resolvedJSON(machineIndependent: machineIndependent))) }
        if let efficiency { fields.append(("efficiency", efficiency.resolvedJSON(machineIndependent: machineIndependent))) }
        if let projection {
            fields.append(("projection", .object([("proxy", projection.proxy.resolvedJSON(machineIndependent: machineIndependent)),
                                                  ("samples", .int(projection.samples))])))
        }
        return .object(fields)
    }
}
