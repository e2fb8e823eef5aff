import Foundation

/// `plan.json` of an output folder: which manifest (by fingerprint) the runs come from, the run
/// ids in plan order, and what the report needs to know about each part. `merge` and `--resume`
/// read it; they refuse folders made from a different manifest.
public struct PlanIndex: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var source: String
    public var fingerprint: String
    /// Every run id of the plan, in plan order (not only the shard's).
    public var runs: [String]
    /// Estimated cost of each run, plan order (``RunCost``): shards are balanced by it, and
    /// `merge` recomputes from it which shard owned a missing run. nil in older folders.
    public var costs: [Int]?
    public var parts: [Part]
    /// `I/N` when the folder holds one shard's runs.
    public var shard: String?

    public struct Part: Codable, Sendable, Equatable {
        public var name: String
        public var notes: String?
        public var metric: String
        public var targets: [Double]
        public var spaces: [String]
        public var strategies: [String]
        public var baselineSpace: String
        public var baselineStrategy: String
        public var accuracy: [String: String]
        public var efficiency: [String: String]
        /// Space → proxy predictor, for spaces whose searches are projected.
        public var projections: [String: String]?
        /// Strategies that predict every request again (`memoize: false`); nil when none.
        public var unmemoized: [String]?
    }

    public init(plan: RunPlan, shard: (index: Int, count: Int)?) {
        let m = plan.manifest
        name = m.name
        description = m.description
        source = m.source
        fingerprint = m.fingerprint
        runs = plan.runs.map(\.id)
        costs = RunCost.estimate(plan)
        parts = m.parts.map { p in
            let unmemoized = p.strategies.filter { !$0.memoize }.map(\.label)
            return Part(name: p.name, notes: p.notes, metric: p.metric.rawValue, targets: p.targets, spaces: p.spaces.map(\.name),
                        strategies: p.strategies.map(\.label), baselineSpace: p.baseline.space, baselineStrategy: p.baseline.strategy,
                        accuracy: Dictionary(uniqueKeysWithValues: p.spaces.map { ($0.name, p.accuracy(for: $0).spelled) }),
                        efficiency: Dictionary(uniqueKeysWithValues: p.spaces.map { ($0.name, p.efficiency(for: $0).spelled) }),
                        projections: Dictionary(uniqueKeysWithValues: p.spaces.compactMap { s in s.projection.map { (s.name, $0.proxy.spelled) } }),
                        unmemoized: unmemoized.isEmpty ? nil : unmemoized)
        }
        self.shard = shard.map { "\($0.index)/\($0.count)" }
    }

    public static func read(folder: String) throws -> PlanIndex {
        let path = folder + "/plan.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunnerError.output("\(folder) is not an experiment output folder (no plan.json)")
        }
        do { return try JSONDecoder().decode(PlanIndex.self, from: data) } catch {
            throw RunnerError.output("\(path): \(error)")
        }
    }

    public func write(folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try AtomicFile.write(String(decoding: data, as: UTF8.self) + "\n", to: folder + "/plan.json")
    }
}
