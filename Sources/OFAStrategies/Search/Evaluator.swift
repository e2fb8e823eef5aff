import Foundation
import OFACore
import Synchronization

/// Evaluates architectures for a search: memoizes both predictors by canonical architecture,
/// batches accuracy predictions and splits large batches across threads.
///
/// `memoize: false` predicts every request again, as OFA's and CompOFA's published search code
/// does; it exists to measure that footing (counts of requests and unique architectures are kept
/// the same way).
///
/// Batches are cut into chunks of a fixed size (``chunkSize``), whatever the thread count, and
/// each chunk is handed to the predictor whole; so a prediction never depends on how many
/// threads ran, and the same seed gives the same result at any thread count.
///
/// Give OpenBLAS one thread (`OPENBLAS_NUM_THREADS=1` or ``MachineInfo/pinBLASThreads(_:)``, as the
/// `ofasearch` tool does at start-up): its default pool on a busy 2-core machine made the 25 ms
/// search 4-6x slower, threads spinning around small GEMMs. The evaluator does not change that
/// process-wide setting itself.
///
/// ```swift
/// let evaluator = Evaluator(accuracy: mlp, efficiency: note10, threads: 2)
/// let ms = try evaluator.efficiency(of: arch)        // memoized, one at a time
/// let accs = try evaluator.accuracies(of: children)  // memoized, batched
/// evaluator.counts.cacheHitRate
/// ```
public final class Evaluator {
    public let accuracyPredictor: any AccuracyPredictor
    public let efficiencyPredictor: any EfficiencyPredictor
    /// Threads used for predictor batches (1 = the calling thread only).
    public let threads: Int
    /// Rows per predictor call when a batch is split; fixed so results do not depend on threads.
    public let chunkSize: Int
    /// Whether predictions are reused for architectures seen before.
    public let memoize: Bool
    /// The efficiency predictor's metric, read once (it is checked on every prediction).
    private let efficiencyMetric: EfficiencyMetric
    private let maxEfficiency: Double

    private struct Entry {
        var efficiency: Double = .nan
        var accuracy: Double = .nan
        /// Run in which this architecture's accuracy was last requested (for unique counts).
        var stamp: UInt32 = 0
        /// Position in the batch being predicted, while it is; else -1.
        var pendingSlot: Int32 = -1
    }

    private var table = ArchitectureTable<Entry>()
    private var stamp: UInt32 = 1
    private var ranges: [String: FeasibleRange] = [:]
    public private(set) var counts = EvaluationCounts()

    public init(accuracy: any AccuracyPredictor, efficiency: any EfficiencyPredictor, threads: Int = 1, chunkSize: Int = 32,
                memoize: Bool = true) {
        self.accuracyPredictor = accuracy
        self.efficiencyPredictor = efficiency
        self.efficiencyMetric = efficiency.metric
        self.maxEfficiency = efficiency.metric.plausibleRange.upperBound
        self.threads = max(1, threads)
        self.chunkSize = max(1, chunkSize)
        self.memoize = memoize
    }

    /// A new evaluator with the same predictors and settings and an empty cache.
    public func fresh() -> Evaluator {
        Evaluator(accuracy: accuracyPredictor, efficiency: efficiencyPredictor, threads: threads, chunkSize: chunkSize, memoize: memoize)
    }

    /// Distinct architectures held in the cache.
    public var cachedArchitectures: Int { table.count }

    /// Starts a run: unique-architecture counting restarts. Returns the counts so far, to be
    /// subtracted from ``counts`` at the end of the run.
    public func beginRun() -> EvaluationCounts {
        if !holdsRun {
            stamp &+= 1
            if stamp == 0 { stamp = 1 }
        }
        return counts
    }

    /// Whether runs begun now continue the current one (``asOneRun(_:)``).
    private var holdsRun = false

    /// Runs `body` as part of the current run: searches it begins (a memetic search's restarts)
    /// count distinct architectures together with it, not each from zero.
    public func asOneRun<T>(_ body: () throws -> T) rethrows -> T {
        let outer = holdsRun
        holdsRun = true
        defer { holdsRun = outer }
        return try body()
    }

    /// Cost of one architecture, memoized (rejection sampling asks one candidate at a time).
    /// With `remember: false` a new architecture's cost is not stored: random samples of a large
    /// space almost never repeat, and a tight budget rejects millions of them.
    public func efficiency(of arch: Architecture, remember: Bool = true) throws -> Double {
        if !memoize { return try uncachedEfficiency(of: arch) }
        counts.efficiencyRequests += 1
        if let i = table.index(of: arch) {
            let cached = table[i].efficiency
            if !cached.isNaN { return cached }
            let value = try checkedEfficiency(of: arch)
            counts.efficiencyPredictions += 1
            table[i].efficiency = value
            return value
        }
        let value = try checkedEfficiency(of: arch)
        counts.efficiencyPredictions += 1
        if remember { table.append(arch, Entry(efficiency: value)) }
        return value
    }

    /// Cost of one architecture straight from the predictor, counted but neither looked up nor
    /// stored (randomized growth prices thousands of one-off candidates).
    public func uncachedEfficiency(of arch: Architecture) throws -> Double {
        counts.efficiencyRequests += 1
        counts.efficiencyPredictions += 1
        return try checkedEfficiency(of: arch)
    }

    /// One cost from the predictor, checked: every prediction enters the search through here or
    /// through the batched calls below (``PredictionCheck``).
    private func checkedEfficiency(of arch: Architecture) throws -> Double {
        let value = try efficiencyPredictor.predictEfficiency(arch)
        // The common case costs two comparisons; the predictor's name is asked for only in an error.
        if value > 0, value <= maxEfficiency { return value }
        return try PredictionCheck.efficiency(value, of: arch, metric: efficiencyMetric, predictor: efficiencyPredictor.name)
    }

    /// Costs of many architectures, memoized; misses go to the predictor in one batch.
    public func efficiencies(of archs: [Architecture]) throws -> [Double] {
        counts.efficiencyRequests += archs.count
        if !memoize {
            counts.efficiencyPredictions += archs.count
            return try predictEfficiencies(archs)
        }
        var out = [Double](repeating: .nan, count: archs.count)
        var missing: [Architecture] = [], slots: [Int] = []
        for (i, arch) in archs.enumerated() {
            if let t = table.index(of: arch), !table[t].efficiency.isNaN { out[i] = table[t].efficiency } else { missing.append(arch); slots.append(i) }
        }
        if !missing.isEmpty {
            let values = try predictEfficiencies(missing)
            counts.efficiencyPredictions += missing.count
            for (j, i) in slots.enumerated() {
                out[i] = values[j]
                if let t = table.index(of: archs[i]) { table[t].efficiency = values[j] } else { table.append(archs[i], Entry(efficiency: values[j])) }
            }
        }
        return out
    }

    /// Accuracies of a batch (a generation), memoized: each architecture not seen before is
    /// predicted once, all misses together in one batched call (split in chunks across threads).
    public func accuracies(of archs: [Architecture]) throws -> [Double] {
        counts.accuracyRequests += archs.count
        if !memoize {
            for arch in archs {
                // The table only counts distinct architectures here; values are not reused.
                let t = table.index(of: arch) ?? table.append(arch, Entry())
                if table[t].stamp != stamp { table[t].stamp = stamp; counts.uniqueArchitectures += 1 }
            }
            counts.accuracyPredictions += archs.count
            return try predictAccuracies(archs)
        }
        var out = [Double](repeating: 0, count: archs.count)
        var pending: [Architecture] = []
        var pendingEntry: [Int] = []
        // For a miss, the index into `pending` (shared by duplicates in the batch); else -1.
        var slot = [Int](repeating: -1, count: archs.count)
        for (i, arch) in archs.enumerated() {
            var t: Int
            if let found = table.index(of: arch) {
                t = found
                if table[t].stamp != stamp { table[t].stamp = stamp; counts.uniqueArchitectures += 1 }
                let a = table[t].accuracy
                if !a.isNaN { out[i] = a; continue }
            } else {
                t = table.append(arch, Entry(stamp: stamp))
                counts.uniqueArchitectures += 1
            }
            // A miss: NaN accuracy; `pendingSlot` tells whether this batch already queued it.
            if table[t].pendingSlot >= 0 { slot[i] = Int(table[t].pendingSlot); continue }
            table[t].pendingSlot = Int32(pending.count)
            slot[i] = pending.count
            pending.append(arch)
            pendingEntry.append(t)
        }
        guard !pending.isEmpty else { return out }
        let values: [Double]
        do { values = try predictAccuracies(pending) } catch {
            for t in pendingEntry { table[t].pendingSlot = -1 }
            throw error
        }
        counts.accuracyPredictions += pending.count
        for (p, t) in pendingEntry.enumerated() { table[t].accuracy = values[p]; table[t].pendingSlot = -1 }
        for i in 0..<archs.count where slot[i] >= 0 { out[i] = values[slot[i]] }
        return out
    }

    /// Accuracies without the cache (exhaustive search predicts each architecture exactly once),
    /// in chunks of `chunkSize` rows (default: the evaluator's).
    public func predictAccuracies(_ archs: [Architecture], chunkSize: Int? = nil) throws -> [Double] {
        let predictor = accuracyPredictor
        let values = try inChunks(archs, chunkSize: chunkSize ?? self.chunkSize) { try predictor.predictAccuracy($0) }
        guard values.count == archs.count else {
            throw PredictorError.unsupported("accuracy predictor \(predictor.name) returned \(values.count) values for \(archs.count) architectures")
        }
        return try PredictionCheck.accuracies(values, of: archs, predictor: predictor.name)
    }

    /// Costs without the cache, in chunks across threads.
    public func predictEfficiencies(_ archs: [Architecture]) throws -> [Double] {
        let predictor = efficiencyPredictor
        let values = try inChunks(archs, chunkSize: chunkSize) { try predictor.predictEfficiency($0) }
        guard values.count == archs.count else {
            throw PredictorError.unsupported("efficiency predictor \(predictor.name) returned \(values.count) values for \(archs.count) architectures")
        }
        return try PredictionCheck.efficiencies(values, of: archs, metric: predictor.metric, predictor: predictor.name)
    }

    /// The feasible range of `space` under this evaluator's efficiency predictor (computed once
    /// per space and cached).
    public func feasibleRange(in space: any SearchSpace) throws -> FeasibleRange {
        let key = space.description
        if let r = ranges[key] { return r }
        let r = try FeasibleRange(space: space, evaluator: self)
        ranges[key] = r
        return r
    }

    /// Runs `predict` on fixed-size chunks of `archs`, on up to `threads` threads, and joins the
    /// results in order.
    private func inChunks(_ archs: [Architecture], chunkSize size: Int,
                          _ predict: @escaping @Sendable ([Architecture]) throws -> [Double]) throws -> [Double] {
        let n = archs.count
        if n == 0 { return [] }
        let size = max(1, size)
        let chunks = (n + size - 1) / size
        if threads == 1 || chunks == 1 {
            var out: [Double] = []
            out.reserveCapacity(n)
            for c in 0..<chunks {
                out += try predict(Array(archs[c * size..<min(n, (c + 1) * size)]))
            }
            return out
        }
        let results = ChunkResults(count: chunks)
        let workers = min(threads, chunks)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var c = w
            while c < chunks {
                if results.failed { return }
                do {
                    results.store(c, try predict(Array(archs[c * size..<min(n, (c + 1) * size)])))
                } catch {
                    results.fail(error)
                    return
                }
                c += workers
            }
        }
        return try results.joined()
    }
}

/// Per-chunk results filled by worker threads; each slot is written by exactly one worker.
private final class ChunkResults: Sendable {
    private struct State {
        var parts: [[Double]]
        var error: (any Error)?
    }

    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(parts: Array(repeating: [], count: count))) }

    var failed: Bool { state.withLock { $0.error != nil } }
    func store(_ c: Int, _ values: [Double]) { state.withLock { $0.parts[c] = values } }
    func fail(_ e: any Error) { state.withLock { if $0.error == nil { $0.error = e } } }
    func joined() throws -> [Double] {
        try state.withLock { s in
            if let error = s.error { throw error }
            return s.parts.flatMap { $0 }
        }
    }
}

/// Counts of predictor work, for a whole evaluator or (by subtraction) one run.
public struct EvaluationCounts: Sendable, Equatable {
    /// Architectures whose accuracy was asked for, repeats included (OFA's count of evaluations).
    public var accuracyRequests = 0
    /// Rows the accuracy predictor actually computed (cache misses).
    public var accuracyPredictions = 0
    /// Architectures whose cost was asked for, rejected candidates included.
    public var efficiencyRequests = 0
    /// Rows the efficiency predictor actually computed.
    public var efficiencyPredictions = 0
    /// Distinct architectures whose accuracy was asked for in the current run.
    public var uniqueArchitectures = 0

    public init() {}

    /// Share of accuracy requests answered from the cache.
    public var cacheHitRate: Double {
        accuracyRequests == 0 ? 0 : 1 - Double(accuracyPredictions) / Double(accuracyRequests)
    }

    /// The work of two parts of one run together.
    public static func + (a: EvaluationCounts, b: EvaluationCounts) -> EvaluationCounts {
        var d = EvaluationCounts()
        d.accuracyRequests = a.accuracyRequests + b.accuracyRequests
        d.accuracyPredictions = a.accuracyPredictions + b.accuracyPredictions
        d.efficiencyRequests = a.efficiencyRequests + b.efficiencyRequests
        d.efficiencyPredictions = a.efficiencyPredictions + b.efficiencyPredictions
        d.uniqueArchitectures = a.uniqueArchitectures + b.uniqueArchitectures
        return d
    }

    /// Work done since `start` (for unique architectures, since the run began at `start`).
    public func since(_ start: EvaluationCounts) -> EvaluationCounts {
        var d = EvaluationCounts()
        d.accuracyRequests = accuracyRequests - start.accuracyRequests
        d.accuracyPredictions = accuracyPredictions - start.accuracyPredictions
        d.efficiencyRequests = efficiencyRequests - start.efficiencyRequests
        d.efficiencyPredictions = efficiencyPredictions - start.efficiencyPredictions
        d.uniqueArchitectures = uniqueArchitectures - start.uniqueArchitectures
        return d
    }
}
