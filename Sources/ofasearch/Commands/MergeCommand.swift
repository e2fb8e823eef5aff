import ArgumentParser
import Foundation
import OFASearch

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the outputs of sharded experiment runs.",
        discussion: """
        Combines the finished runs of output folders made from the same manifest (e.g. by 'ofasearch run \
        --shard I/N') into one folder and regenerates runs.jsonl, summary.csv, report.md and the plots.
        """
    )

    @Argument(help: "Output folders of 'ofasearch run' (shards of one manifest).")
    var folders: [String]

    @Option(help: "Folder to write the merged results to.")
    var out: String

    @Flag(help: "Merge even if some runs are missing (they are listed in the report); without it merge refuses and lists them with their shards.")
    var allowMissing = false

    func run() throws {
        guard !folders.isEmpty else { RunCommand.fail("give at least one folder to merge", status: 2) }
        do { try OutputFolder.check(out) } catch { RunCommand.fail("--out: \(error)", status: 2) }
        do {
            let indexes = try folders.map { try PlanIndex.read(folder: $0) }
            for (folder, index) in zip(folders, indexes) where index.fingerprint != indexes[0].fingerprint {
                RunCommand.fail("\(folder) comes from a different manifest than \(folders[0]) (fingerprint \(index.fingerprint) vs \(indexes[0].fingerprint))", status: 2)
            }
            // Before anything is written: which runs no folder holds, and the shard that owned each.
            let missing = try ShardMerge.missing(index: indexes[0], folders: folders, indexes: indexes,
                                                 out: FileManager.default.fileExists(atPath: out + "/plan.json") ? out : nil)
            if !missing.isEmpty && !allowMissing {
                FileHandle.standardError.write(Data(ShardMerge.refusal(missing, total: indexes[0].runs.count).map { $0 + "\n" }.joined().utf8))
                Foundation.exit(1)
            }
            var merged = indexes[0]
            merged.shard = nil
            try FileSystem.makeDirectory(out)
            // Held until the merge is written: no run or merge writes the folder meanwhile.
            let lock = try OutputLock.acquire(folder: out)
            defer { withExtendedLifetime(lock) {} }
            try FileSystem.makeDirectory(out + "/runs")
            if FileSystem.isRegularFile(out + "/plan.json") {
                let existing = try PlanIndex.read(folder: out)
                guard existing.fingerprint == merged.fingerprint else {
                    RunCommand.fail("\(out) holds results of a different manifest; choose another --out", status: 2)
                }
            }
            let sameFolder = folders.contains { FileSystem.sameFile($0, out) }
            if !sameFolder, let resolved = FileManager.default.contents(atPath: folders[0] + "/manifest.resolved.json") {
                try AtomicFile.writeIfChanged(String(decoding: resolved, as: UTF8.self), to: out + "/manifest.resolved.json")
            }
            try merged.write(folder: out)
            let report = try ExperimentOutputs(index: merged, sources: [out] + folders).write(to: out)
            let finished = Set(report.records.map(\.run)).count
            print("\(finished) of \(merged.runs.count) runs merged; report: \(out)/report.md")
            if !report.missing.isEmpty {
                RunCommand.warn("\(report.missing.count) run(s) missing: \(RunCommand.list(report.missing))")
            }
        } catch {
            RunCommand.fail("\(error)", status: 1)
        }
    }
}
