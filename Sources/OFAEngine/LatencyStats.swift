import OFACore

/// Summary of repeated timings of one layer configuration, as OFA's tables store it: `count`,
/// `mean`, `std` (milliseconds).
///
/// Built from raw samples by ``init(samples:)``, which first drops slow outliers (more than five
/// scaled median absolute deviations above the median, with a floor of 2% of the median):
/// interference from other processes only ever makes a run slower, and one preempted run would
/// otherwise inflate a mean that enters every subnet's sum.
///
/// ```swift
/// let s = LatencyStats(samples: [1.0, 1.1, 0.9, 9.0])
/// s.count   // 3
/// s.mean    // 1.0
/// ```
public struct LatencyStats: Hashable, Sendable {
    public let count: Int
    public let mean: Double
    public let std: Double

    public init(count: Int, mean: Double, std: Double) {
        self.count = count; self.mean = mean; self.std = std
    }

    public init(samples: [Double]) {
        guard !samples.isEmpty else { self.init(count: 0, mean: 0, std: 0); return }
        let median = Metrics.median(samples)
        let mad = Metrics.median(samples.map { abs($0 - median) })
        let limit = median + max(5 * 1.4826 * mad, 0.02 * median)
        let kept = samples.filter { $0 <= limit }
        let mean = kept.reduce(0, +) / Double(kept.count)
        let variance = kept.count > 1 ? kept.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(kept.count - 1) : 0
        self.init(count: kept.count, mean: mean, std: variance.squareRoot())
    }
}
