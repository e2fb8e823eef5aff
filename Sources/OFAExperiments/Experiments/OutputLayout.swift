import Foundation
import OFACore

/// The files of an experiment output folder:
///
/// ```text
/// DIR/manifest.resolved.json   the manifest with defaults filled and paths resolved
/// DIR/plan.json                fingerprint, run ids in order, report settings (PlanIndex)
/// DIR/runs/<id>.surrogate.json a surrogate-assisted run's rounds (SurrogateTrace), before its front
/// DIR/runs/<id>.front.json     a finished run's front (RunFront), written atomically before
/// DIR/runs/<id>.jsonl          its lines (one per target): this file marks the run finished
/// DIR/runs.jsonl               every finished run's lines, in plan order
/// DIR/fronts.jsonl             every finished run's front, one line per run, in plan order
/// DIR/summary.csv, report.md, plots/*.svg
/// DIR/.lock                    held by the run or merge writing the folder (OutputLock)
/// ```
///
/// Everything is written inside `root`: run ids and plot names are made of ``SafeName`` slugs.
public struct OutputLayout: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    public var runsFolder: String { root + "/runs" }

    /// The files and folders an experiment writes (and ``clear()`` removes).
    public static let outputs = ["runs", "runs.jsonl", "fronts.jsonl", "summary.csv", "report.md", "plots", "plan.json", "manifest.resolved.json"]

    /// Removes an earlier experiment's outputs from the folder (only the files an experiment
    /// writes; anything else in the folder is left alone).
    public func clear() throws {
        for name in Self.outputs { try FileSystem.remove(root + "/" + name) }
    }
    public func runFile(_ id: String) -> String { runsFolder + "/" + id + ".jsonl" }
    public func frontFile(_ id: String) -> String { runsFolder + "/" + id + ".front.json" }
    /// A surrogate-assisted run's rounds (``SurrogateTrace``), written before its front.
    public func surrogateFile(_ id: String) -> String { runsFolder + "/" + id + ".surrogate.json" }

    /// Whether run `id` is finished here (its file is a regular file: a folder of that name is not).
    public func isFinished(_ id: String) -> Bool { FileSystem.isRegularFile(runFile(id)) }

    /// Creates the folder, or checks that an existing one holds runs of the same manifest (and
    /// that `resume` was asked for when it holds finished runs); writes the resolved manifest
    /// and `plan.json` unless they are already so; removes temporary files an interrupted run
    /// left behind. Nothing is written when nothing changed (a finished experiment resumes in a
    /// read-only folder).
    public func prepare(plan: RunPlan, index: PlanIndex, resume: Bool) throws {
        let fm = FileManager.default
        try FileSystem.makeDirectory(runsFolder)
        let existing = ((try? fm.contentsOfDirectory(atPath: runsFolder)) ?? [])
        for name in existing where name.contains(".tmp-") { try? FileSystem.remove(runsFolder + "/" + name) }
        let finished = existing.filter { $0.hasSuffix(".jsonl") && FileSystem.isRegularFile(runsFolder + "/" + $0) }
        if FileSystem.isRegularFile(root + "/plan.json") {
            let old = try PlanIndex.read(folder: root)
            if old.fingerprint != plan.manifest.fingerprint {
                throw RunnerError.output("\(root) holds results of a different manifest ('\(old.name)', fingerprint \(old.fingerprint), now \(plan.manifest.fingerprint)); choose another --out")
            }
            if !finished.isEmpty && !resume {
                throw RunnerError.output("\(root) already holds \(finished.count) finished run(s) of this manifest; pass --resume to keep them and run the rest, or choose another --out")
            }
        } else if !finished.isEmpty {
            throw RunnerError.output("\(root)/runs holds run files but no plan.json; choose another --out")
        }
        try AtomicFile.writeIfChanged(plan.manifest.resolvedJSON().rendered(indent: 2) + "\n", to: root + "/manifest.resolved.json")
        try index.write(folder: root)
    }
}
