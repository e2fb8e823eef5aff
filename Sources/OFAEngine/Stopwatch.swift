import Foundation

/// Reads a clock in nanoseconds, cheaply enough to read between layers.
///
/// `.wall` (`CLOCK_MONOTONIC`) is latency as a user sees it, right on a quiet machine. `.threadCPU`
/// (`CLOCK_THREAD_CPUTIME_ID`) counts only the time this thread ran: on a machine shared with
/// other jobs it leaves out the time the scheduler gave them, so end-to-end runs (which span
/// several scheduler slices) and short per-layer timings (which mostly fit in one) are measured
/// alike. It still includes the cache and memory-bandwidth interference of the other jobs. On a
/// quiet machine the two agree (the engine computes in the calling thread: OpenBLAS pinned to
/// one thread), so `.threadCPU` is the default for profiling and measured latency.
///
/// ```swift
/// let clock = Stopwatch.wall
/// let t0 = clock.now()
/// network.forward()
/// let ms = clock.milliseconds(since: t0)
/// ```
public enum Stopwatch: String, Sendable, CaseIterable {
    case wall
    case threadCPU = "thread-cpu"

    @inline(__always) public func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(self == .wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    @inline(__always) public func milliseconds(since start: UInt64) -> Double {
        Double(now() &- start) * 1e-6
    }

    /// Wall-clock time now (for progress and durations).
    @inline(__always) public static func now() -> UInt64 { wall.now() }
    @inline(__always) public static func milliseconds(since start: UInt64) -> Double { wall.milliseconds(since: start) }
}
