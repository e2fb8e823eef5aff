import ArgumentParser
import Foundation
import OFASearch

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment manifest.",
        discussion: """
        Validates the manifest (every problem reported as FILE:LINE: message, nothing run), expands it into \
        runs, runs them in parallel and writes DIR/runs.jsonl, summary.csv, report.md and plots/. Each finished \
        run is saved atomically under DIR/runs/, so an interrupted run continues with --resume. See docs/runner.md.
        """
    )

    @Argument(help: "The manifest (YAML), e.g. experiments/quickstart.yaml.")
    var manifest: String

    @Option(help: "Output folder (default: out/<manifest name>).")
    var out: String?

    @Flag(help: "Keep the finished runs in the output folder and run only the rest.")
    var resume = false

    @Flag(help: "Discard the results of an earlier run in the output folder and start over.")
    var fresh = false

    @Option(help: "Runs executed at once (default: the manifest's 'jobs', else one per core). Results do not depend on it.")
    var jobs: Int?

    @Option(help: "Run only shard I of N (0-based; shards balance the runs' estimated cost), or 'auto': from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (docs/cluster.md); combine with 'ofasearch merge'.")
    var shard: String?

    @Option(help: "Shard count for --shard auto where the scheduler does not give it (Kubernetes); default: $OFASEARCH_SHARDS.")
    var shards: Int?

    @Flag(help: "Validate the manifest and print the planned runs; run nothing.")
    var check = false

    func run() throws {
        // Usage mistakes first, before the manifest is read or anything is written; a scheduler
        // environment without an index is one of them.
        if resume && fresh { Self.fail("--resume keeps the finished runs and --fresh discards them: give one or the other", status: 2) }
        if let jobs, jobs < 1 || jobs > ManifestLoader.maxJobs { Self.fail("--jobs must be between 1 and \(ManifestLoader.maxJobs), got \(jobs)", status: 2) }
        if let out {
            do { try OutputFolder.check(out) } catch { Self.fail("--out: \(error)", status: 2) }
        }
        let shardSpec: (index: Int, count: Int)?
        do {
            if shard == nil, shards != nil { throw ShardError("--shards applies only to --shard auto") }
            shardSpec = try shard.map { try ShardSpec.resolve($0, shards: shards, environment: ProcessInfo.processInfo.environment).pair }
        } catch { Self.fail("\(error)", status: 2) }

        let catalog = PredictorCatalog()
        let loaded: ExperimentManifest
        do { loaded = try ManifestLoader(predictors: catalog).load(path: manifest) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        let plan = RunPlan(manifest: loaded)
        if check {
            let mine = shardSpec.map { plan.shard(index: $0.index, count: $0.count) } ?? plan.runs
            print("\(manifest): valid; \(plan.runs.count) runs")
            if let shardSpec { print(ShardAssignment(plan: plan, count: shardSpec.count).summary(of: shardSpec.index)) }
            for run in mine { print(run.id) }
            return
        }
        // The manifest's name is made file-name safe, so the default folder stays inside out/.
        let folder = out ?? "out/" + SafeName.slug(loaded.name)
        var runner = ExperimentRunner(plan: plan, predictors: catalog, backend: SearchRunBackend(), output: folder)
        if let jobs { runner.jobs = jobs }
        runner.resume = resume
        runner.fresh = fresh
        runner.shard = shardSpec
        runner.showProgress = isatty(2) != 0
        let summary: ExperimentRunner.Summary
        do { summary = try runner.run() } catch { Self.fail("\(error)", status: 1) }
        var line = "\(summary.completed) run(s) done"
        if summary.alreadyDone > 0 { line += ", \(summary.alreadyDone) already finished" }
        line += " in \(String(format: "%.1f", summary.wallSeconds)) s; report: \(folder)/report.md"
        print(line)
        for f in summary.failures { Self.warn("failed: \(f.run): \(f.error)") }
        // Lost results and unwritten outputs (a full disk causes both) make one line.
        var lost: [String] = []
        if !summary.notSaved.isEmpty {
            lost.append("\(summary.notSavedError ?? "a write failed"); \(summary.notSaved.count) run(s) not saved: \(Self.list(summary.notSaved))")
        }
        if let error = summary.outputError { lost.append(lost.isEmpty ? error : "outputs not written: \(error)") }
        if !lost.isEmpty { Self.warn("error: " + lost.joined(separator: "; ") + "; fix the cause and re-run with --resume") }
        if !summary.failures.isEmpty {
            Self.warn("\(summary.failures.count) run(s) failed; fix the cause and re-run with --resume")
        }
        if !summary.succeeded { throw ExitCode(1) }
    }

    /// Up to twenty ids, then how many more.
    static func list(_ ids: [String]) -> String {
        ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? " and \(ids.count - 20) more" : "")
    }

    /// Lines on stderr (a manifest's issues, one a line); other control characters from the input
    /// are escaped.
    static func warn(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(\.printable)
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// One line on stderr, then exit with `status` (2: usage or manifest, 1: the run).
    static func fail(_ message: String, status: Int32) -> Never {
        warn("error: " + message)
        Foundation.exit(status)
    }
}
