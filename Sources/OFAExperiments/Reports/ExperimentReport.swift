import OFACore
import OFAStrategies

/// The numbers behind `report.md`, `summary.csv` and the plots: finished runs grouped by part,
/// series (space, strategy, multi-target mode, K) and target, with means, spreads, speedups
/// against the part's baseline and regret against the exhaustive optimum.
///
/// ```swift
/// let report = ExperimentReport(index: index, records: records, missing: [])
/// for cell in report.cells(part: "main") { print(cell.series.label, cell.accuracy?.mean ?? .nan) }
/// ```
public struct ExperimentReport: Sendable {
    public let index: PlanIndex
    public let records: [RunRecord]
    /// Surrogate-assisted runs' rounds, by run id.
    public var surrogateTraces: [(run: String, trace: SurrogateTrace)] = []
    /// The finished runs' fronts (one per run; none for runs of folders written before them).
    public let fronts: [RunFront]
    /// Planned runs with no result (an unfinished or partial folder).
    public let missing: [String]

    public init(index: PlanIndex, records: [RunRecord], fronts: [RunFront] = [], missing: [String]) {
        self.index = index
        self.records = records
        self.fronts = fronts
        self.missing = missing
    }

    /// A line of results: one strategy in one space (in one multi-target mode and K).
    public struct Series: Hashable, Sendable {
        public var part: String
        public var space: String
        public var strategy: String
        public var multi: String
        public var k: Int

        public var label: String {
            multi == "none" ? "\(space) · \(strategy)" : "\(space) · \(strategy) · \(multi) K=\(k)"
        }
    }

    /// One series at one target, over seeds and repetitions.
    public struct Cell: Sendable {
        public var series: Series
        public var kind: StrategySpec.Kind
        public var target: Double
        public var runs: Int
        public var feasible: Int
        public var accuracy: Stats?
        public var efficiency: Stats?
        public var seconds: Stats?
        public var evaluations: Stats?
        public var unique: Stats?
        /// Best accuracy over seeds, with its cost.
        public var best: (accuracy: Double, efficiency: Double)?
        /// Baseline time / this time, and the same for evaluations.
        public var speedupTime: Double?
        public var speedupEvaluations: Double?
        /// Exhaustive optimum − accuracy, in points, over seeds; nil without an exhaustive run.
        public var regret: Stats?
        /// Runs that found the exhaustive optimum.
        public var optimumHits: Int?
    }

    /// One series summed over all its targets (each run counted once), over seeds.
    public struct Totals: Sendable {
        public var series: Series
        public var kind: StrategySpec.Kind
        /// (seed, repetition) groups.
        public var samples: Int
        public var seconds: Stats?
        public var evaluations: Stats?
        public var unique: Stats?
        public var speedupTime: Double?
        public var speedupEvaluations: Double?
    }

    public func part(named name: String) -> PlanIndex.Part? { index.parts.first { $0.name == name } }

    /// Whether a series reuses predictions of architectures it saw before (`memoize`, the default).
    public func memoizes(_ s: Series) -> Bool { !(part(named: s.part)?.unmemoized?.contains(s.strategy) ?? false) }

    /// Series of a part, in plan order.
    public func series(part: String) -> [Series] {
        var out: [Series] = []
        for r in records where r.part == part {
            let s = Series(part: r.part, space: r.space, strategy: r.strategy, multi: r.seriesMode, k: r.k)
            if !out.contains(s) { out.append(s) }
        }
        return out
    }

    func records(_ s: Series) -> [RunRecord] {
        records.filter { $0.part == s.part && $0.space == s.space && $0.strategy == s.strategy && $0.seriesMode == s.multi && $0.k == s.k }
    }

    /// Targets of a part that have results, in manifest order.
    public func targets(part: String) -> [Double] {
        let present = Set(records.filter { $0.part == part }.map(\.target))
        return (self.part(named: part)?.targets ?? []).filter(present.contains)
    }

    /// The series speedups are measured against: the part's baseline space and strategy, in the
    /// independent mode with the same K for multi-target series.
    public func baseline(for s: Series) -> Series? {
        guard let p = part(named: s.part) else { return nil }
        return series(part: s.part).first { b in
            b.space == p.baselineSpace && b.strategy == p.baselineStrategy
                && (s.multi == "none" ? b.multi == "none" : b.multi == "independent" && b.k == s.k)
        }
    }

    /// The exhaustive optimum per target in (part, space), when an exhaustive run exists.
    public func optimum(part: String, space: String, target: Double) -> Double? {
        optimumRecord(part: part, space: space, target: target)?.accuracy
    }

    func optimumRecord(part: String, space: String, target: Double) -> RunRecord? {
        records.filter { $0.part == part && $0.space == space && $0.kind == .exhaustive && $0.target == target && $0.accuracy != nil }
            .max { $0.accuracy! < $1.accuracy! }
    }

    /// Whether a run found the exhaustive optimum: the same architecture, or one as accurate.
    /// A float32 predictor can score one architecture a few 1e-8 apart in batches of different
    /// sizes, so accuracies are compared to within 1e-6 (0.0001 points).
    static func foundOptimum(_ r: RunRecord, _ optimum: RunRecord) -> Bool {
        guard let a = r.accuracy, let o = optimum.accuracy else { return false }
        return r.arch == optimum.arch || a >= o - 1e-6
    }

    public func cells(part: String) -> [Cell] {
        var out: [Cell] = []
        let allSeries = series(part: part)
        for target in targets(part: part) {
            for s in allSeries {
                let rs = records(s).filter { $0.target == target }
                guard let first = rs.first else { continue }
                var cell = Cell(series: s, kind: first.kind, target: target, runs: rs.count,
                                feasible: rs.filter { $0.accuracy != nil }.count,
                                accuracy: Stats(rs.compactMap(\.accuracy)), efficiency: Stats(rs.compactMap(\.efficiency)),
                                seconds: Stats(rs.map(\.seconds)), evaluations: Stats(rs.map { Double($0.evaluations) }),
                                unique: Stats(rs.map { Double($0.uniqueArchitectures) }))
                if let b = rs.filter({ $0.accuracy != nil }).max(by: { $0.accuracy! < $1.accuracy! }) {
                    cell.best = (b.accuracy!, b.efficiency ?? .nan)
                }
                if let best = optimumRecord(part: part, space: s.space, target: target), let opt = best.accuracy, first.kind != .exhaustive {
                    // Regret in points; none for the optimum itself (see foundOptimum).
                    cell.regret = Stats(rs.map { Self.foundOptimum($0, best) ? 0 : (opt - ($0.accuracy ?? 0)) * 100 })
                    cell.optimumHits = rs.filter { Self.foundOptimum($0, best) }.count
                }
                out.append(cell)
            }
        }
        // Speedups against the baseline cell at the same target.
        for i in out.indices {
            guard let b = baseline(for: out[i].series),
                  let base = out.first(where: { $0.series == b && $0.target == out[i].target }) else { continue }
            if let bt = base.seconds?.mean, let t = out[i].seconds?.mean, t > 0 { out[i].speedupTime = bt / t }
            if let be = base.evaluations?.mean, let e = out[i].evaluations?.mean, e > 0 { out[i].speedupEvaluations = be / e }
        }
        return out
    }

    public func totals(part: String) -> [Totals] {
        var out: [Totals] = []
        for s in series(part: part) {
            let rs = records(s)
            var groups: [String: (seconds: Double, evaluations: Double, unique: Double, runs: Set<String>)] = [:]
            var order: [String] = []
            for r in rs {
                let key = "\(r.seed)/\(r.repetition)"
                if groups[key] == nil { groups[key] = (0, 0, 0, []); order.append(key) }
                if groups[key]!.runs.insert(r.run).inserted {
                    groups[key]!.seconds += r.runSeconds
                    groups[key]!.evaluations += Double(r.runEvaluations)
                    groups[key]!.unique += Double(r.runUniqueArchitectures)
                }
            }
            let g = order.map { groups[$0]! }
            out.append(Totals(series: s, kind: rs.first?.kind ?? .evolutionary, samples: g.count,
                              seconds: Stats(g.map(\.seconds)), evaluations: Stats(g.map(\.evaluations)),
                              unique: Stats(g.map(\.unique))))
        }
        for i in out.indices {
            guard let b = baseline(for: out[i].series), let base = out.first(where: { $0.series == b }) else { continue }
            if let bt = base.seconds?.mean, let t = out[i].seconds?.mean, t > 0 { out[i].speedupTime = bt / t }
            if let be = base.evaluations?.mean, let e = out[i].evaluations?.mean, e > 0 { out[i].speedupEvaluations = be / e }
        }
        return out
    }

    /// One series' fronts over a part's whole target range: per (seed, repetition), the Pareto
    /// front of everything its runs evaluated together, and that front's hypervolume against
    /// ``frontReference(part:)``, so strategies that search one target per run and those that
    /// search all targets in one run compare on the same window.
    public struct FrontSummary: Sendable {
        public var series: Series
        /// (seed, repetition) groups with fronts.
        public var samples: Int
        public var points: Stats?
        public var hypervolume: Stats?
        /// Searched on a proxy cost model: front and hypervolume in the proxy's costs.
        public var projected: Bool
    }

    /// The reference the report's hypervolumes use: the part's smallest to largest target (one
    /// target: up to it), accuracy above ``FrontResult/defaultMinAccuracy``, as `search` uses.
    public func frontReference(part: String) -> Hypervolume.Reference { FrontResult.reference(targets: targets(part: part)) }

    public func frontSummaries(part: String) -> [FrontSummary] {
        let reference = frontReference(part: part)
        return series(part: part).compactMap { s in
            var groups: [String: [Candidate]] = [:]
            var order: [String] = []
            for f in fronts(s) {
                let key = "\(f.seed)/\(f.repetition)"
                if groups[key] == nil { order.append(key) }
                groups[key, default: []] += f.front.points
            }
            guard !order.isEmpty else { return nil }
            let merged = order.map { ParetoFront(groups[$0]!).members }
            return FrontSummary(series: s, samples: merged.count, points: Stats(merged.map { Double($0.count) }),
                                hypervolume: Stats(merged.map { Hypervolume.area(of: $0.map { ($0.efficiency, $0.accuracy) }, reference: reference) }),
                                projected: isProjected(s))
        }
    }

    /// Per target, the best accuracy found in each space (any strategy, any seed) with its cost.
    public func bestPerSpace(part: String) -> [(target: Double, best: [String: (accuracy: Double, efficiency: Double, strategy: String)])] {
        let spaces = series(part: part).map(\.space).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return targets(part: part).map { t in
            var best: [String: (accuracy: Double, efficiency: Double, strategy: String)] = [:]
            for space in spaces {
                let rs = records.filter { $0.part == part && $0.space == space && $0.target == t && $0.accuracy != nil }
                if let b = rs.max(by: { $0.accuracy! < $1.accuracy! }) { best[space] = (b.accuracy!, b.efficiency ?? .nan, b.strategy) }
            }
            return (t, best)
        }
    }

    /// Whether a series' searches ran on a proxy cost model with projected times.
    /// The fronts of a series' runs, in plan order.
    public func fronts(_ s: Series) -> [RunFront] {
        let runs = Set(records(s).map(\.run))
        return fronts.filter { runs.contains($0.run) }
    }

    public func isProjected(_ s: Series) -> Bool { records(s).contains { $0.projection != nil } }

    /// The spaces of a part with results, in plan order.
    public func spaces(part: String) -> [String] {
        series(part: part).map(\.space).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    public func metric(part: String) -> EfficiencyMetric {
        EfficiencyMetric(rawValue: self.part(named: part)?.metric ?? "") ?? .latency
    }
}

extension RunRecord {
    /// The multi-target mode with its variant (`top-down/paper`), as series are told apart.
    var seriesMode: String { variant.map { "\(multi)/\($0)" } ?? multi }
}
