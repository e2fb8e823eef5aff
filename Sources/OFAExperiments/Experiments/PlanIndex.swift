import Foundation
import OFACore
import OFAEngine

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
    /// Profiled latency tables of the plan whose recorded CPU is not the one the runs ran on
    /// (nil when there are none, so `plan.json` of a run on the table's own CPU is unchanged).
    public var foreignTables: [ForeignTable]?

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
        guard FileSystem.isRegularFile(path), let data = FileManager.default.contents(atPath: path) else {
            throw RunnerError.output("\(folder) is not an experiment output folder (no plan.json)")
        }
        do { return try JSONDecoder().decode(PlanIndex.self, from: data) } catch {
            throw RunnerError.output("\(path): not a plan index this version reads (\(Self.describe(error)))")
        }
    }

    public func write(folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw RunnerError.output("cannot encode \(folder)/plan.json: \(error)") }
        try AtomicFile.writeIfChanged(String(decoding: data, as: UTF8.self) + "\n", to: folder + "/plan.json")
    }
}

extension PlanIndex {
    /// A JSON decoding error in one line (the coding path and what was wrong).
    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case let .keyNotFound(key, context)?: return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case let .typeMismatch(_, context)?, let .valueNotFound(_, context)?, let .dataCorrupted(context)?:
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (at.isEmpty ? "" : "at '\(at)': ") + context.debugDescription
        default: return FileSystem.reason(of: error)
        }
    }
}

/// A profiled latency table used by a plan whose recorded CPU (its `# cpu:` header line) is not
/// the CPU of the machine the runs ran on: its milliseconds are another machine's.
public struct ForeignTable: Codable, Sendable, Equatable {
    /// The table as the manifest names it (`cpu-lut-w1.0`).
    public var table: String
    /// The CPU the table was profiled on.
    public var tableCPU: String
    /// The CPU of this machine.
    public var thisCPU: String
    /// Where the table was read from (not written to `plan.json`: paths are machine-specific).
    public var path: String?

    enum CodingKeys: String, CodingKey { case table, tableCPU, thisCPU }

    public init(table: String, tableCPU: String, thisCPU: String, path: String? = nil) {
        self.table = table
        self.tableCPU = tableCPU
        self.thisCPU = thisCPU
        self.path = path
    }

    /// The look-up tables of `manifest` (efficiency predictors and projection proxies) whose
    /// recorded CPU differs from this machine's, each once, in manifest order. Tables that
    /// record no CPU (OFA's, nsganetv2's) are not reported.
    public static func find(in manifest: ExperimentManifest) -> [ForeignTable] {
        var seen = Set<String>()
        var out: [ForeignTable] = []
        for part in manifest.parts {
            for space in part.spaces {
                for ref in [part.efficiency(for: space), space.projection?.proxy].compactMap({ $0 }) where ref.kind == .lut {
                    guard let path = ref.path, seen.insert(path).inserted else { continue }
                    if let origin = ProfiledLatencyTable.foreignOrigin(path: path) {
                        out.append(ForeignTable(table: ref.spelled, tableCPU: origin.tableCPU, thisCPU: origin.thisCPU, path: path))
                    }
                }
            }
        }
        return out
    }
}
