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
            let metric = part.metric
            for (s, space) in part.spaces.enumerated() {
                for strategy in part.strategies(for: space) {
                    // (mode, targets, label) groups
                    var groups: [(MultiTargetSpec.Mode?, MultiTargetSpec.Variant?, [Double], String)] = []
                    if let multi = part.multi {
                        for mode in multi.modes {
                            // Variants change the warm starts only; independent and NSGA-II run once.
                            for variant in mode == .bottomUp || mode == .topDown ? multi.variants.map(Optional.some) : [nil] {
                                for k in multi.targetCounts ?? [part.targets.count] {
                                    let name = mode.rawValue + (variant.map { "-" + $0.rawValue } ?? "")
                                    groups.append((mode, variant, Array(part.targets.prefix(k)), "\(name)-k\(k)"))
                                }
                            }
                        }
                    } else if strategy.kind == .exhaustive {
                        groups.append((nil, nil, part.targets, "tall"))
                    } else {
                        for t in part.targets { groups.append((nil, nil, [t], "t" + Self.format(t, metric: metric))) }
                    }
                    for (mode, variant, targets, label) in groups {
                        for seed in part.seeds {
                            for r in 0..<part.repeats {
                                let id = [Self.slug(part.name), space.name, Self.slug(strategy.label), label, "s\(seed)", "r\(r)"]
                                    .joined(separator: "__")
                                runs.append(PlannedRun(index: runs.count, id: id, partIndex: p, part: part.name, spaceIndex: s,
                                                       space: space.name, strategy: strategy, mode: mode, variant: variant, targets: targets,
                                                       seed: seed, repetition: r,
                                                       runSeed: PlannedRun.deriveSeed(seed, repetition: r)))
                            }
                        }
                    }
                }
            }
        }
        self.runs = runs
    }

    /// The runs of shard `index` of `count` (0-based), for cluster array jobs: shards balance the
    /// runs' estimated cost (``ShardAssignment``); each shard's runs are in plan order.
    public func shard(index: Int, count: Int) -> [PlannedRun] {
        ShardAssignment(plan: self, count: count).runs(of: index).map { runs[$0] }
    }

    /// A name reduced to letters, digits, `-`, `.` and `_`.
    static func slug(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "-" })
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
