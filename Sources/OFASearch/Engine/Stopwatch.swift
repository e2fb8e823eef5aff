import Foundation

/// Monotonic time in nanoseconds (`CLOCK_MONOTONIC`), cheap enough to read between layers.
///
/// ```swift
/// let t0 = Stopwatch.now()
/// network.forward()
/// let ms = Stopwatch.milliseconds(since: t0)
/// ```
public enum Stopwatch {
    @inline(__always) public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    @inline(__always) public static func milliseconds(since start: UInt64) -> Double {
        Double(now() &- start) * 1e-6
    }
}
