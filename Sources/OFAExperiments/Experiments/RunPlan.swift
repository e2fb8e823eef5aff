import OFACore

/// The runs a manifest expands into, in a fixed order with stable ids: part, space, strategy,
/// multi-target mode and target count, target, seed, repetition (each in manifest order).
///
/// ```swift
/// let plan = RunPlan(manifest: manifest)
/// let mine = plan.shard(index: 0, count: 4)   // a quarter of the estimated cost
/// ```
public struct RunPlan: Sendable {
    public let manifest: ExperimentManifest
    public let runs: [PlannedRun]

    public init(manifest: ExperimentManifest) {
        self.manifest = manifest
        var runs: [PlannedRun] = []
        for (p, part) in manifest.parts.enumerated() {
            for (s, space) in part.spaces.enumerated() {
                for strategy in part.strategies(for: space) {
                    for group in Self.groups(part: part, strategy: strategy) {
                        for seed in part.seeds {
                            for r in 0..<part.repeats {
                                runs.append(PlannedRun(index: runs.count, id: Self.id(part: part.name, space: space.name, strategy: strategy.label,
                                                                                      group: group.label, seed: seed, repetition: r),
                                                       partIndex: p, part: part.name, spaceIndex: s,
                                                       space: space.name, strategy: strategy, mode: group.mode, variant: group.variant,
                                                       targets: group.targets, seed: seed, repetition: r,
                                                       runSeed: PlannedRun.deriveSeed(seed, repetition: r)))
                            }
                        }
                    }
                }
            }
        }
        self.runs = runs
    }

    /// The most runs a plan may hold: far more than any study needs, few enough that the plan's
    /// ids fit in memory (a plan is expanded whole, for `--check` as well).
    public static let maxRuns = 1_000_000

    /// Targets searched together by one run (per seed and repetition), in plan order.
    struct Group {
        var mode: MultiTargetSpec.Mode?
        var variant: MultiTargetSpec.Variant?
        var targets: [Double]
        /// The id component: `t25`, `tall`, `top-down-improved-k3`.
        var label: String
    }

    /// The groups of one strategy in one space of `part`.
    static func groups(part: ExperimentPart, strategy: StrategySpec) -> [Group] {
        var groups: [Group] = []
        if let multi = part.multi {
            for mode in multi.modes {
                // Variants change the warm starts only; independent and NSGA-II run once.
                for variant in mode == .bottomUp || mode == .topDown ? multi.variants.map(Optional.some) : [nil] {
                    for k in multi.targetCounts ?? [part.targets.count] {
                        let name = mode.rawValue + (variant.map { "-" + $0.rawValue } ?? "")
                        groups.append(Group(mode: mode, variant: variant, targets: Array(part.targets.prefix(k)), label: "\(name)-k\(k)"))
                    }
                }
            }
        } else if strategy.kind == .exhaustive || strategy.kind == .surrogate {
            // One search answers every target: exhaustive enumeration, or the surrogate loop's shared budget.
            groups.append(Group(targets: part.targets, label: "tall"))
        } else {
            for t in part.targets { groups.append(Group(targets: [t], label: "t" + format(t, metric: part.metric))) }
        }
        return groups
    }

    /// A run's id: `note10-mlp__compofa-mbv3-w1.2__evolutionary__t25__s3__r0`.
    static func id(part: String, space: String, strategy: String, group: String, seed: UInt64, repetition: Int) -> String {
        [SafeName.slug(part), space, SafeName.slug(strategy), group, "s\(seed)", "r\(repetition)"].joined(separator: "__")
    }

    /// How many runs `part` expands into, computed without expanding it; nil past `Int.max`.
    public static func count(part: ExperimentPart) -> Int? {
        var total = 0
        for space in part.spaces {
            for strategy in part.strategies(for: space) {
                // Groups are few (targets, or modes × variants × target counts): list them.
                let (perStrategy, o1) = groups(part: part, strategy: strategy).count.multipliedReportingOverflow(by: part.seeds.count)
                let (perSeed, o2) = perStrategy.multipliedReportingOverflow(by: part.repeats)
                let (sum, o3) = total.addingReportingOverflow(perSeed)
                if o1 || o2 || o3 { return nil }
                total = sum
            }
        }
        return total
    }

    /// The longest id `part` expands into (in UTF-8 bytes), computed without expanding it.
    public static func longestID(part: ExperimentPart) -> String {
        var longest = ""
        let seed = part.seeds.max { String($0).count < String($1).count } ?? 0
        for space in part.spaces {
            for strategy in part.strategies(for: space) {
                for group in groups(part: part, strategy: strategy) {
                    let id = id(part: part.name, space: space.name, strategy: strategy.label, group: group.label,
                                seed: seed, repetition: max(part.repeats - 1, 0))
                    if id.utf8.count > longest.utf8.count { longest = id }
                }
            }
        }
        return longest
    }

    /// The runs of shard `index` of `count` (0-based), for cluster array jobs: shards balance the
    /// runs' estimated cost (``ShardAssignment``); each shard's runs are in plan order.
    public func shard(index: Int, count: Int) -> [PlannedRun] {
        ShardAssignment(plan: self, count: count).runs(of: index).map { runs[$0] }
    }

    /// A budget as written in ids and tables: `25`, `22.5`, `300M`.
    public static func format(_ value: Double, metric: EfficiencyMetric, precise: Bool = false) -> String {
        func short(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        }
        switch metric {
        case .latency:
            return precise ? String(format2(value)) : short(value)
        case .macs:
            if value >= 1e6 { return precise ? format2(value / 1e6) + "M" : short((value / 1e6 * 1000).rounded() / 1000) + "M" }
            return short(value)
        }
    }

    static func format2(_ v: Double) -> String {
        let scaled = (v * 100).rounded()
        let sign = scaled < 0 ? "-" : ""
        let a = abs(Int(scaled))
        let frac = a % 100
        return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
