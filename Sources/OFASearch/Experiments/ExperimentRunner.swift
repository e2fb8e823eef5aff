import Foundation

/// Executes a run plan into an output folder: runs in parallel, each finished run written
/// atomically to `runs/<id>.jsonl`, then `runs.jsonl`, `summary.csv`, `report.md` and plots
/// assembled from whatever is finished.
///
/// Results do not depend on `jobs`: every run starts its own generator from its own seed and
/// keeps its caches to itself, and outputs are ordered by plan position, not by completion.
///
/// ```swift
/// var runner = ExperimentRunner(plan: plan, predictors: PredictorCatalog(), backend: EngineBackend(), output: "out/x")
/// runner.jobs = 2
/// let summary = try runner.run()
/// ```
public struct ExperimentRunner: Sendable {
    public var plan: RunPlan
    public var predictors: any PredictorProvider
    public var backend: any SearchBackend
    public var output: String
    /// Runs executed at once (default: the manifest's `jobs`, else one per core).
    public var jobs: Int
    /// Keep finished runs of an earlier invocation instead of refusing a non-empty folder.
    public var resume = false
    /// Discard an earlier experiment's outputs in the folder first.
    public var fresh = false
    /// Only the runs of shard `index` of `count` (a cluster array job's share; ``RunPlan/shard(index:count:)``).
    public var shard: (index: Int, count: Int)?
    /// Progress on stderr (the CLI turns it on when stderr is a terminal).
    public var showProgress = false
    /// Stop after this many runs (tests simulate an interrupted run with it).
    public var stopAfter: Int?

    public init(plan: RunPlan, predictors: any PredictorProvider, backend: any SearchBackend, output: String) {
        self.plan = plan
        self.predictors = predictors
        self.backend = backend
        self.output = output
        self.jobs = plan.manifest.jobs ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// What an invocation did.
    public struct Summary: Sendable {
        /// Runs of this invocation's share.
        public var planned: Int
        /// Finished before this invocation (resume).
        public var alreadyDone: Int
        public var completed: Int
        public var failures: [(run: String, error: String)]
        public var wallSeconds: Double
    }

    public func run() throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let layout = OutputLayout(root: output)
        if fresh { try layout.clear() }
        try layout.prepare(plan: plan, resume: resume, shard: shard)

        let mine = shard.map { plan.shard(index: $0.index, count: $0.count) } ?? plan.runs
        let pending = mine.filter { !FileManager.default.fileExists(atPath: layout.runFile($0.id)) }
        let todo = stopAfter.map { Array(pending.prefix($0)) } ?? pending

        // Load every predictor the pending runs need once, up front and on this thread (some
        // libraries load models thread-unsafely); runs share them read-only.
        var contexts: [Int: [Int: RunContext]] = [:]
        for run in todo where contexts[run.partIndex]?[run.spaceIndex] == nil {
            let part = plan.manifest.parts[run.partIndex]
            let entry = part.spaces[run.spaceIndex]
            let space = try entry.makeSpace()
            let accuracy = try predictors.accuracyPredictor(part.accuracy(for: entry), space: space)
            let efficiency = try predictors.efficiencyPredictor(part.efficiency(for: entry), space: space)
            var context = RunContext(space: space, accuracy: accuracy, efficiency: efficiency)
            if let projection = entry.projection {
                let proxy = try predictors.efficiencyPredictor(projection.proxy, space: space)
                context.secondsPerArchitecture = try ArchitectureCost.measure(efficiency, space: space, samples: projection.samples, seed: 0)
                // A committed table was profiled on some other machine: search on it rescaled to this one.
                let scaled = try ArchitectureCost.calibrated(proxy, to: efficiency, space: space, samples: projection.samples, seed: 0)
                context.proxy = scaled
                context.proxyScale = scaled.factor
            }
            contexts[run.partIndex, default: [:]][run.spaceIndex] = context
        }

        let loaded = contexts
        let progress = Progress(total: todo.count, enabled: showProgress)
        let queue = WorkQueue(count: todo.count)
        let failures = FailureList()
        let workers = max(1, min(jobs, todo.count))
        let backend = self.backend
        let manifest = plan.manifest
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = queue.next() {
                let run = todo[i]
                let part = manifest.parts[run.partIndex]
                let context = loaded[run.partIndex]![run.spaceIndex]!
                progress.started(run.id)
                do {
                    let request = SearchRequest(space: context.space, accuracy: context.accuracy, efficiency: context.proxy ?? context.efficiency,
                                                strategy: run.strategy, targets: run.targets, mode: run.mode, variant: run.variant, multi: part.multi,
                                                seed: run.runSeed)
                    let t0 = clock.now
                    let outcome = try backend.search(request)
                    let seconds = (clock.now - t0).seconds
                    guard outcome.targets.count == run.targets.count else {
                        throw RunnerError.backend("returned \(outcome.targets.count) results for \(run.targets.count) targets")
                    }
                    var records = RunRecord.records(run: run, outcome: outcome, metric: context.efficiency.metric, seconds: seconds)
                    if let cost = context.secondsPerArchitecture {
                        records = try records.map { try $0.projected(secondsPerArchitecture: cost, proxyScale: context.proxyScale, realCost: context.efficiency) }
                    }
                    try AtomicFile.write(records.map { $0.json.rendered() + "\n" }.joined(), to: layout.runFile(run.id))
                    progress.finished(run.id, ok: true)
                } catch {
                    failures.append(run.id, "\(error)")
                    progress.finished(run.id, ok: false)
                }
            }
        }
        progress.done()

        try ExperimentOutputs(plan: plan, folders: [output]).write(to: output)
        let failed = failures.items
        return Summary(planned: mine.count, alreadyDone: mine.count - pending.count, completed: todo.count - failed.count,
                       failures: failed, wallSeconds: (clock.now - start).seconds)
    }
}

/// Predictors and space of one (part, space) pair, shared read-only by its runs.
private struct RunContext: Sendable {
    var space: any SearchSpace
    var accuracy: any AccuracyPredictor
    var efficiency: any EfficiencyPredictor
    /// The cost model a projected space searches with, and the real one's seconds per architecture.
    var proxy: (any EfficiencyPredictor)?
    var secondsPerArchitecture: Double?
    var proxyScale = 1.0
}

/// Hands out run positions to worker threads.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    init(count: Int) { self.count = count }
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        defer { nextIndex += 1 }
        return nextIndex
    }
}

private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [(run: String, error: String)] = []
    func append(_ run: String, _ error: String) { lock.lock(); list.append((run, error)); lock.unlock() }
    var items: [(run: String, error: String)] { lock.lock(); defer { lock.unlock() }; return list.sorted { $0.run < $1.run } }
}

/// A problem running an experiment (as opposed to a problem in its manifest).
public enum RunnerError: Error, CustomStringConvertible {
    case backend(String)
    case output(String)

    public var description: String {
        switch self {
        case let .backend(why): "search engine: \(why)"
        case let .output(why): why
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
