import Foundation
import OFAStrategies

/// Which shard of a sharded experiment this process runs: `--shard I/N`, or `--shard auto` read
/// from a cluster scheduler's environment.
///
/// ```swift
/// let a = try ShardSpec.resolve("2/8", shards: nil, environment: [:])            // 2/8
/// let b = try ShardSpec.resolve("auto", shards: nil,
///                               environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"])  // 3/4
/// let c = try ShardSpec.resolve("auto", shards: 5, environment: ["JOB_COMPLETION_INDEX": "0"])         // 0/5
/// ```
public struct ShardSpec: Sendable, Hashable, CustomStringConvertible {
    /// 0-based shard index, below `count`.
    public var index: Int
    /// Number of shards (at least 1).
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `I/N`, as written on the command line and in `plan.json`.
    public var description: String { "\(index)/\(count)" }

    /// The (index, count) pair the runner takes.
    public var pair: (index: Int, count: Int) { (index, count) }

    /// The environment variable giving the shard count where the scheduler does not (Kubernetes).
    public static let countVariable = "OFASEARCH_SHARDS"

    /// `--shard TEXT` with `--shards N`: `I/N` as written, or `auto` from the environment.
    ///
    /// `auto` takes the index from `SLURM_ARRAY_TASK_ID` (a SLURM job array, 0-based:
    /// `--array=0-7`) or `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job). The count is
    /// `shards` (`--shards N`) if given, else `$OFASEARCH_SHARDS`, else — under SLURM only —
    /// `SLURM_ARRAY_TASK_COUNT`, else `SLURM_ARRAY_TASK_MAX + 1`. An explicit count comes first
    /// so that a single resubmitted task (`sbatch --array=2`, whose own array has one task) keeps
    /// its place in the original partition.
    public static func resolve(_ text: String, shards: Int?, environment: [String: String]) throws(ShardError) -> ShardSpec {
        if text == "auto" { return try fromEnvironment(environment, shards: shards) }
        if shards != nil {
            throw ShardError("--shards applies only to --shard auto (with --shard I/N the count is N), got --shard \(text)")
        }
        return try parse(text)
    }

    /// `I/N` with `0 <= I < N`.
    public static func parse(_ text: String) throws(ShardError) -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw ShardError("--shard expects I/N with 0 <= I < N (e.g. 0/4) or 'auto', got '\(text)'")
        }
        return ShardSpec(index: i, count: n)
    }

    /// The shard a scheduler's array task stands for (see ``resolve(_:shards:environment:)``).
    public static func fromEnvironment(_ env: [String: String], shards: Int?) throws(ShardError) -> ShardSpec {
        func integer(_ name: String) throws(ShardError) -> Int? {
            guard let raw = env[name] else { return nil }
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard let value = Int(text), value >= 0 else {
                throw ShardError("\(name) must be a non-negative integer, got '\(raw)'")
            }
            return value
        }
        if let shards, shards < 1 { throw ShardError("--shards must be at least 1, got \(shards)") }
        var explicit = shards
        if explicit == nil, let n = try integer(countVariable) {
            guard n >= 1 else { throw ShardError("\(countVariable) must be at least 1, got '\(env[countVariable]!)'") }
            explicit = n
        }
        let slurm = try integer("SLURM_ARRAY_TASK_ID")
        let kubernetes = try integer("JOB_COMPLETION_INDEX")
        let index: Int, count: Int, source: String
        switch (slurm, kubernetes) {
        case (nil, nil):
            throw ShardError("--shard auto needs SLURM_ARRAY_TASK_ID (a SLURM job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); neither is set")
        case (.some, .some):
            throw ShardError("--shard auto found both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX; unset one or pass --shard I/N")
        case let (id?, nil):
            index = id
            source = "SLURM_ARRAY_TASK_ID"
            if let explicit {
                count = explicit
            } else {
                let minimum = try integer("SLURM_ARRAY_TASK_MIN"), maximum = try integer("SLURM_ARRAY_TASK_MAX")
                // Shards are 0-based: an array starting elsewhere would shift every index.
                if let minimum, minimum != 0 {
                    throw ShardError("SLURM array starts at \(minimum), but shards are 0-based: submit --array=0-(N-1), or pass --shards N (or set \(countVariable))")
                }
                if let c = try integer("SLURM_ARRAY_TASK_COUNT") {
                    // A step or a list (0-15:4, 0,2,5) leaves gaps: the count would not be N.
                    if let maximum, maximum + 1 != c {
                        throw ShardError("SLURM array 0-\(maximum) has \(c) tasks (a step or a list), so the shard count is unclear: pass --shards N (or set \(countVariable))")
                    }
                    count = c
                } else if let maximum {
                    count = maximum + 1
                } else {
                    throw ShardError("SLURM_ARRAY_TASK_ID is set but not the shard count: expected SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX, or pass --shards N (or set \(countVariable))")
                }
            }
        case let (nil, completion?):
            index = completion
            source = "JOB_COMPLETION_INDEX"
            guard let explicit else {
                throw ShardError("JOB_COMPLETION_INDEX is set but not the shard count: pass --shards N or set \(countVariable) to the Job's completions")
            }
            count = explicit
        }
        guard count >= 1 else { throw ShardError("the shard count must be at least 1, got \(count)") }
        guard index < count else {
            throw ShardError("\(source)=\(index) is not below the shard count \(count): expected an index in 0..\(count - 1)")
        }
        return ShardSpec(index: index, count: count)
    }
}

/// A problem with `--shard` or the scheduler environment it reads (one line).
public struct ShardError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Estimated cost of each run of a plan, the weight shards are balanced by.
///
/// The unit is roughly a microsecond of one core of the 2-core machine the figures of
/// `docs/runner.md` were measured on; only ratios matter. A run's cost is its evaluations (as the
/// strategy's settings imply them) times a cost per evaluation:
///
/// - evaluations: evolutionary `P × (N + 1)` per target (multi-target sweeps: `K` of those for
///   independent, one for NSGA-II, one plus `K − 1` warm stages of `P × (N2 + 1)` for
///   bottom-up and top-down); random `samples` per target; exhaustive the space's size, once.
/// - per evaluation: a cache hit costs 0.3, drawing a random sample (rejected draws included) 4,
///   a prediction 15, a measured latency (`measured`, not projected) 100,000; the share of
///   evaluations that are predictions is 1 without memoization, else `min(1, size / evaluations)`
///   for random search and `min(0.15, size / evaluations)` for evolutionary search (it
///   converges: ~15% of its evaluations are new subnets in OFA's spaces, 0.5% in CompOFA's).
///
/// Costs are rounded to integers so every machine computes the same partition.
///
/// ```swift
/// let costs = RunCost.estimate(plan)   // one per run, plan order
/// ```
public enum RunCost {
    static let hit = 0.3, draw = 4.0, prediction = 15.0, measurement = 100_000.0

    /// One estimate per run of `plan`, in plan order.
    public static func estimate(_ plan: RunPlan) -> [Int] {
        // Space sizes per (part, space entry); an entry that cannot be built (validation refuses
        // it anyway) counts as unbounded.
        let sizes = plan.manifest.parts.map { part in
            part.spaces.map { entry in (try? entry.makeSpace()).map { Double($0.size) } ?? 1e30 }
        }
        return plan.runs.map { run in
            estimate(run, part: plan.manifest.parts[run.partIndex], spaceSize: sizes[run.partIndex][run.spaceIndex])
        }
    }

    /// The estimate of one run in a space of `spaceSize` subnets.
    public static func estimate(_ run: PlannedRun, part: ExperimentPart, spaceSize: Double) -> Int {
        let s = run.strategy
        let k = Double(run.targets.count)
        let entry = part.spaces[run.spaceIndex]
        let measured = part.efficiency(for: entry).kind == .measured && entry.projection == nil
        let perPrediction = prediction + (measured ? measurement : 0)
        var cost: Double
        switch s.kind {
        case .evolutionary:
            let full = Double(s.population) * Double(s.generations + 1)
            let evaluations: Double
            switch run.mode {
            case nil, .independent?: evaluations = k * full
            case .nsga2?: evaluations = full
            case .bottomUp?, .topDown?:
                evaluations = full + (k - 1) * Double(s.population) * Double((part.multi?.warmGenerations ?? 0) + 1)
            }
            let predicted = s.memoize ? min(0.15, spaceSize / max(evaluations, 1)) : 1
            cost = evaluations * (hit + predicted * perPrediction)
        case .random:
            let evaluations = Double(s.samples) * k
            let predicted = s.memoize ? min(1, spaceSize / max(evaluations, 1)) : 1
            cost = evaluations * (draw + predicted * perPrediction)
        case .memetic:
            // The restarts' and the climbs' evaluations, population × (generations + 1) per target;
            // about half are new architectures (restarts and climbs revisit few).
            let evaluations = k * Double(s.population) * Double(s.generations + 1)
            let predicted = s.memoize ? min(0.6, spaceSize / max(evaluations, 1)) : 1
            cost = evaluations * (hit + predicted * perPrediction)
        case .exhaustive:
            cost = min(spaceSize, Double(s.limit)) * perPrediction
        case .surrogate:
            // The truth's evaluations, plus the inner searches: a surrogate prediction sums over
            // the points fitted (half the budget on average), a few nanoseconds each.
            let batch = Double(s.batch ?? SurrogateSearch(evaluations: s.budget).defaultBatch(targets: run.targets.count))
            let inner = Double(s.budget) / batch * Double(s.innerStarts) * 100 * Double(s.innerGenerations + 1)
            cost = Double(s.budget) * perPrediction + inner * (draw + Double(s.budget) / 2 * 0.01)
        }
        return Int(min(max(cost.rounded(), 1), 1e15))
    }
}

/// A partition of a plan's runs into shards of about equal estimated cost: greedy
/// longest-processing-time first (runs by decreasing cost, ties by plan position, each to the
/// shard with the least cost so far, ties to the lowest shard). A pure function of the costs and
/// the count, so every array task computes the same partition on its own.
///
/// ```swift
/// let a = ShardAssignment(plan: plan, count: 4)
/// a.runs(of: 1)          // plan positions of shard 1's runs, ascending
/// a.share(of: 1)         // its fraction of the total estimated cost, e.g. 0.251
/// ```
public struct ShardAssignment: Sendable, Equatable {
    public let count: Int
    /// Estimated cost per run, plan order.
    public let costs: [Int]
    /// The shard of each run, plan order.
    public let owners: [Int]
    /// Total estimated cost of each shard.
    public let loads: [Int]

    public init(costs: [Int], count: Int) {
        precondition(count >= 1, "a shard count is at least 1")
        self.count = count
        self.costs = costs
        var owners = [Int](repeating: 0, count: costs.count)
        var loads = [Int](repeating: 0, count: count)
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        for run in order {
            var best = 0
            for shard in 1..<count where loads[shard] < loads[best] { best = shard }
            owners[run] = best
            loads[best] += costs[run]
        }
        self.owners = owners
        self.loads = loads
    }

    public init(plan: RunPlan, count: Int) {
        self.init(costs: RunCost.estimate(plan), count: count)
    }

    /// Plan positions of the runs of `shard`, ascending.
    public func runs(of shard: Int) -> [Int] {
        owners.indices.filter { owners[$0] == shard }
    }

    /// `shard`'s fraction of the total estimated cost (0...1).
    public func share(of shard: Int) -> Double {
        let total = loads.reduce(0, +)
        return total == 0 ? 0 : Double(loads[shard]) / Double(total)
    }

    /// The largest shard's cost over the mean (1 is perfect balance).
    public var imbalance: Double {
        let total = loads.reduce(0, +)
        return total == 0 ? 1 : Double(loads.max() ?? 0) * Double(count) / Double(total)
    }

    /// What `run --check --shard I/N` prints about shard `shard`, e.g.
    /// `shard 1/4: 53 of 210 runs, estimated 25.0% of the cost (largest shard 25.1%)`.
    public func summary(of shard: Int) -> String {
        func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        let largest = (0..<count).map(share(of:)).max() ?? 0
        return "shard \(shard)/\(count): \(runs(of: shard).count) of \(costs.count) runs, estimated \(percent(share(of: shard))) of the cost (largest shard \(percent(largest)))"
    }
}
