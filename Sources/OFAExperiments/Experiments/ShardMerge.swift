import Foundation
import OFACore

/// A run that none of the folders given to `merge` finished, with the shard that owned it.
///
/// ```text
/// main__compofa-mbv3-w1.2__random__t15__s3__r0  (shard 2/4, folder out/shard-2)
/// ```
public struct MissingRun: Sendable, Equatable, CustomStringConvertible {
    public var id: String
    /// Position in the plan.
    public var index: Int
    /// The shard whose task should have run it; nil when no folder was a shard (or the folders
    /// predate cost estimates in `plan.json`).
    public var shard: ShardSpec?
    /// That shard's folder among those given to `merge`; nil when none of them is it.
    public var folder: String?

    public var description: String {
        guard let shard else { return id }
        return "\(id)  (shard \(shard), " + (folder.map { "folder \($0)" } ?? "no folder of that shard given") + ")"
    }
}

/// What `merge` checks before it writes: which runs of the plan no folder holds, and which shard
/// (and folder) each belonged to, so a failed or killed array task can be re-run on its own with
/// `--resume`.
///
/// ```swift
/// let missing = try ShardMerge.missing(index: merged, folders: ["out/shard-0", "out/shard-1"], indexes: [i0, i1], out: "out/merged")
/// if !missing.isEmpty { print(ShardMerge.refusal(missing, total: merged.runs.count).joined(separator: "\n")) }
/// ```
public enum ShardMerge {
    /// Runs of `index` found in none of `folders` (whose `plan.json` are `indexes`) nor in `out`
    /// (which may hold an earlier merge), in plan order. The owning shard is recomputed from the
    /// plan's cost estimates and the shard count the shard folders were run with (the first shard
    /// folder's, if they differ).
    public static func missing(index: PlanIndex, folders: [String], indexes: [PlanIndex], out: String?) throws -> [MissingRun] {
        let sources = (out.map { [$0] } ?? []) + folders
        let absent = Set(try ExperimentOutputs(index: index, sources: sources).collect().missing)
        guard !absent.isEmpty else { return [] }
        var specs: [(path: String, spec: ShardSpec)] = []
        for (folder, folderIndex) in zip(folders, indexes) {
            if let text = folderIndex.shard, let spec = try? ShardSpec.parse(text) { specs.append((folder, spec)) }
        }
        var assignment: ShardAssignment?
        if let count = specs.first?.spec.count, let costs = index.costs, costs.count == index.runs.count {
            assignment = ShardAssignment(costs: costs, count: count)
        }
        return index.runs.enumerated().compactMap { position, id in
            guard absent.contains(id) else { return nil }
            guard let assignment else { return MissingRun(id: id, index: position, shard: nil, folder: nil) }
            let shard = ShardSpec(index: assignment.owners[position], count: assignment.count)
            return MissingRun(id: id, index: position, shard: shard, folder: specs.first { $0.spec == shard }?.path)
        }
    }

    /// The lines `merge` prints when it refuses: one summary line, then one line per missing run.
    public static func refusal(_ missing: [MissingRun], total: Int) -> [String] {
        var shards: [String] = []
        for m in missing { if let s = m.shard?.description, !shards.contains(s) { shards.append(s) } }
        let owners = shards.isEmpty ? "" : " (shard" + (shards.count == 1 ? " " : "s ") + shards.joined(separator: ", ") + ")"
        return ["error: \(missing.count) of \(total) runs missing\(owners); re-run the owning shard with 'ofasearch run MANIFEST --shard I/N --resume --out ITS_FOLDER', or pass --allow-missing to merge the rest"]
            + missing.map { "missing: \($0)" }
    }
}
