import Synchronization
import OFACore

/// Latency measured for real: builds the candidate subnet with the engine, runs it on this CPU
/// and returns the median of a few end-to-end passes (ms). Results are memoized by canonical
/// architecture in a thread-safe cache, and measurements are serialised (two subnets timed at
/// once on a small machine would disturb each other), so any search strategy can call it from
/// any thread.
///
/// Costs roughly one network construction plus `warmup + runs` forward passes per new
/// architecture (about 0.1 s for a mid-size w1.0 subnet).
///
/// ```swift
/// let measured = MeasuredLatencyPredictor(width: .w1_0)
/// let ms = try measured.predictEfficiency(arch)
/// ```
public final class MeasuredLatencyPredictor: EfficiencyPredictor {
    public let width: NetworkWidth
    public let warmup: Int
    public let runs: Int
    public let seed: UInt64
    public let clock: Stopwatch
    public var metric: EfficiencyMetric { .latency }
    public var name: String { "measured latency on this CPU (\(width.name), median of \(runs) runs, \(clock.rawValue) clock)" }

    private let cache = Mutex<[Architecture: Double]>([:])
    /// Seconds spent measuring (building plus running), under the lock that serialises measuring.
    private let measuring = Mutex<Double>(0)

    /// `clock`: `.threadCPU` (default) leaves out time other jobs got on a shared machine and equals
    /// wall time on a quiet one when OpenBLAS runs in the calling thread (`blasThreads` 1); see ``Stopwatch``.
    /// `blasThreads` pins OpenBLAS for the process (one thread: the setting tables are profiled with).
    public init(width: NetworkWidth, warmup: Int = 1, runs: Int = 5, seed: UInt64 = 0, clock: Stopwatch = .threadCPU,
                blasThreads: Int? = 1) {
        self.width = width; self.warmup = warmup; self.runs = runs; self.seed = seed; self.clock = clock
        if let blasThreads { MachineInfo.pinBLASThreads(blasThreads) }
    }

    /// Architectures measured so far (cache size).
    public var measuredCount: Int { cache.withLock { $0.count } }

    /// Wall-clock seconds spent measuring so far (network construction and runs): with
    /// ``measuredCount`` it gives the cost of one evaluation, for projecting long searches.
    public var measuringSeconds: Double { measuring.withLock { $0 } }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        archs.map(latency)
    }

    public func predictEfficiency(_ arch: Architecture) throws -> Double { latency(arch) }

    func latency(_ arch: Architecture) -> Double {
        if let hit = cache.withLock({ $0[arch] }) { return hit }
        return measuring.withLock { seconds in
            // Another thread may have measured it while this one waited.
            if let hit = cache.withLock({ $0[arch] }) { return hit }
            let start = Stopwatch.now()
            let ms = EngineNetwork(architecture: arch, width: width, seed: seed).measure(warmup: warmup, runs: runs, clock: clock)
            seconds += Double(Stopwatch.now() &- start) * 1e-9
            cache.withLock { $0[arch] = ms }
            return ms
        }
    }
}
