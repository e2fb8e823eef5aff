import Foundation
import Synchronization
import OFACore
import OFAEngine

/// Executes a run plan into an output folder: runs in parallel, each finished run written
/// atomically to `runs/<id>.jsonl`, then `runs.jsonl`, `summary.csv`, `report.md` and plots
/// assembled from whatever is finished.
///
/// Results do not depend on `jobs`: every run starts its own generator from its own seed and
/// keeps its caches to itself, and outputs are ordered by plan position, not by completion.
///
/// The folder is locked (``OutputLock``) while the runner writes it, and nothing is written
/// outside it. A run whose result cannot be saved (disk full) is listed in
/// ``Summary/notSaved``; it runs again on `--resume`.
///
/// ```swift
/// var runner = ExperimentRunner(plan: plan, predictors: PredictorCatalog(), backend: SearchRunBackend(), output: "out/x")
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
        /// Runs that failed (the search threw), by id.
        public var failures: [(run: String, error: String)]
        /// Runs that finished but whose result could not be written (disk full, ...), by id in
        /// plan order, with the first such write error. They run again on `--resume`.
        public var notSaved: [String] = []
        public var notSavedError: String?
        /// Why `runs.jsonl`, `summary.csv`, `report.md` or the plots could not be written, if so
        /// (the run files saved before stay; `--resume` writes them again).
        public var outputError: String?
        /// Profiled latency tables from another CPU that the plan uses.
        public var foreignTables: [ForeignTable] = []
        public var wallSeconds: Double

        /// Whether everything planned for this invocation ran and was saved.
        public var succeeded: Bool { failures.isEmpty && notSaved.isEmpty && outputError == nil }
    }

    public func run() throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        if resume && fresh {
            throw RunnerError.output("--resume keeps the finished runs and --fresh discards them: give one or the other")
        }
        try OutputFolder.check(output)
        try FileSystem.makeDirectory(output)
        // Held until this function returns: a second run or merge into the folder fails at once.
        let lock = try OutputLock.acquire(folder: output)
        defer { withExtendedLifetime(lock) {} }

        let layout = OutputLayout(root: output)
        if fresh { try layout.clear() }
        let foreign = ForeignTable.find(in: plan.manifest)
        // One line on stderr per table (and process); report.md says it too (PlanIndex.foreignTables).
        for table in foreign { if let path = table.path { ProfiledLatencyTable.warnIfProfiledElsewhere(path: path, name: table.table) } }
        var index = PlanIndex(plan: plan, shard: shard)
        index.foreignTables = foreign.isEmpty ? nil : foreign
        try layout.prepare(plan: plan, index: index, resume: resume)

        let mine = shard.map { plan.shard(index: $0.index, count: $0.count) } ?? plan.runs
        let pending = mine.filter { !layout.isFinished($0.id) }
        let todo = stopAfter.map { Array(pending.prefix($0)) } ?? pending
        // Runs to do in a folder that cannot take their results: say so before running them.
        if !todo.isEmpty && access(layout.runsFolder, W_OK) != 0 {
            throw FileSystemError(action: "cannot save the \(todo.count) pending run(s) in", path: layout.runsFolder,
                                  reason: FileSystem.reason(errno: errno))
        }

        let contexts = try loadContexts(for: todo)
        let (failures, unsaved) = execute(todo, contexts: contexts, layout: layout)

        var outputError: String?
        var merged = index
        merged.shard = nil
        do { try ExperimentOutputs(index: merged, sources: [output]).write(to: output) } catch { outputError = "\(error)" }
        let failed = failures.items.sorted { $0.run < $1.run }.map { (run: $0.run, error: $0.error) }
        let lost = unsaved.items.sorted { $0.index < $1.index }
        return Summary(planned: mine.count, alreadyDone: mine.count - pending.count, completed: todo.count - failed.count - lost.count,
                       failures: failed, notSaved: lost.map(\.run), notSavedError: lost.first?.error, outputError: outputError,
                       foreignTables: foreign, wallSeconds: (clock.now - start).seconds)
    }

    /// Loads every predictor the pending runs need once, up front and on this thread (some
    /// libraries load models thread-unsafely); runs share them read-only. By part, then space.
    private func loadContexts(for todo: [PlannedRun]) throws -> [Int: [Int: RunContext]] {
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
        return contexts
    }

    /// Runs `todo` on `jobs` threads; the runs that failed and those whose result was lost.
    private func execute(_ todo: [PlannedRun], contexts: [Int: [Int: RunContext]],
                         layout: OutputLayout) -> (failures: FailureList, unsaved: FailureList) {
        let progress = RunProgressLine(total: todo.count, enabled: showProgress)
        let queue = WorkQueue(count: todo.count)
        let failures = FailureList()
        let unsaved = FailureList()
        let workers = max(1, min(jobs, todo.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = queue.next() {
                let run = todo[i]
                progress.started(run.id)
                do {
                    let records = try search(run, context: contexts[run.partIndex]![run.spaceIndex]!)
                    do {
                        try records.save(run.id, in: layout)
                    } catch {
                        // The search ran but its result is lost: say which, not just that a write failed.
                        unsaved.append(run.index, run.id, "\(error)")
                        progress.finished(run.id, ok: false)
                        continue
                    }
                    progress.finished(run.id, ok: true)
                } catch {
                    failures.append(run.index, run.id, "\(error)")
                    progress.finished(run.id, ok: false)
                }
            }
        }
        progress.done()
        return (failures, unsaved)
    }

    /// One run's search, and the lines it leaves.
    private func search(_ run: PlannedRun, context: RunContext) throws -> RunFiles {
        let part = plan.manifest.parts[run.partIndex]
        let request = SearchRequest(space: context.space, accuracy: context.accuracy, efficiency: context.proxy ?? context.efficiency,
                                    strategy: run.strategy, targets: run.targets, mode: run.mode, variant: run.variant, multi: part.multi,
                                    seed: run.runSeed)
        let clock = ContinuousClock()
        let t0 = clock.now
        let outcome = try backend.search(request)
        let seconds = (clock.now - t0).seconds
        guard outcome.targets.count == run.targets.count else {
            throw RunnerError.backend("returned \(outcome.targets.count) results for \(run.targets.count) targets")
        }
        let front = RunFront(run: run, outcome: outcome, metric: (context.proxy ?? context.efficiency).metric,
                             projected: context.secondsPerArchitecture != nil)
        var records = RunRecord.records(run: run, outcome: outcome, front: front.front, metric: context.efficiency.metric, seconds: seconds)
        if let cost = context.secondsPerArchitecture {
            records = try records.map { try $0.projected(secondsPerArchitecture: cost, proxyScale: context.proxyScale, realCost: context.efficiency) }
        }
        return RunFiles(surrogate: outcome.surrogate?.json, front: front.json, records: records.map(\.json))
    }
}

/// What one finished run writes.
private struct RunFiles {
    var surrogate: JSONValue?
    var front: JSONValue
    var records: [JSONValue]

    /// The front first: a run is finished when its lines are written.
    func save(_ run: String, in layout: OutputLayout) throws {
        if let surrogate { try AtomicFile.write(surrogate.rendered() + "\n", to: layout.surrogateFile(run)) }
        try AtomicFile.write(front.rendered() + "\n", to: layout.frontFile(run))
        try AtomicFile.write(records.map { $0.rendered() + "\n" }.joined(), to: layout.runFile(run))
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
private final class WorkQueue: Sendable {
    private let nextIndex = Mutex(0)
    private let count: Int
    init(count: Int) { self.count = count }
    func next() -> Int? {
        nextIndex.withLock { next in
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}

/// Runs that went wrong, collected from worker threads.
private final class FailureList: Sendable {
    struct Item: Sendable {
        var index: Int
        var run: String
        var error: String
    }
    private let list = Mutex<[Item]>([])
    func append(_ index: Int, _ run: String, _ error: String) { list.withLock { $0.append(Item(index: index, run: run, error: error)) } }
    var items: [Item] { list.withLock { $0 } }
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
