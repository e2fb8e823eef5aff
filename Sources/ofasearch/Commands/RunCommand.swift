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
        // The shard first: a scheduler environment without an index is a usage mistake (one line, status 2).
        let shardSpec: (index: Int, count: Int)?
        do {
            if shard == nil, shards != nil { throw ShardError("--shards applies only to --shard auto") }
            shardSpec = try shard.map { try ShardSpec.resolve($0, shards: shards, environment: ProcessInfo.processInfo.environment).pair }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
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
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        let folder = out ?? "out/" + loaded.name
        var runner = ExperimentRunner(plan: plan, predictors: catalog, backend: EngineBackend(), output: folder)
        if let jobs { runner.jobs = jobs }
        if resume && fresh { throw ValidationError("--resume and --fresh exclude each other") }
        runner.resume = resume
        runner.fresh = fresh
        runner.shard = shardSpec
        runner.showProgress = isatty(2) != 0
        let summary: ExperimentRunner.Summary
        do { summary = try runner.run() } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        var line = "\(summary.completed) run(s) done"
        if summary.alreadyDone > 0 { line += ", \(summary.alreadyDone) already finished" }
        line += " in \(String(format: "%.1f", summary.wallSeconds)) s; report: \(folder)/report.md"
        print(line)
        if !summary.failures.isEmpty {
            for f in summary.failures { FileHandle.standardError.write(Data("failed: \(f.run): \(f.error)\n".utf8)) }
            FileHandle.standardError.write(Data("\(summary.failures.count) run(s) failed; fix the cause and re-run with --resume\n".utf8))
            throw ExitCode(1)
        }
    }
}
