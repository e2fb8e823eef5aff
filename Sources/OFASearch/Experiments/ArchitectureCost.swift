import Foundation

/// The time an efficiency predictor takes per new architecture, for projecting searches too slow
/// to run with it (see ``SpaceEntry/Projection``).
///
/// ```swift
/// let seconds = try ArchitectureCost.measure(MeasuredLatencyPredictor(width: .w1_0), space: space, samples: 20, seed: 0)
/// ```
public enum ArchitectureCost {
    /// Mean seconds per architecture over `samples` subnets drawn uniformly from `space`. A
    /// ``MeasuredLatencyPredictor`` reports its own measuring time (cache hits excluded); other
    /// predictors are timed call by call.
    public static func measure(_ predictor: any EfficiencyPredictor, space: any SearchSpace, samples: Int, seed: UInt64) throws -> Double {
        var rng = SeededGenerator(seed: seed, stream: 0x7072_6f6a)
        let archs = (0..<max(1, samples)).map { _ in space.sampleUniformly(using: &rng) }
        if let measured = predictor as? MeasuredLatencyPredictor {
            let count0 = measured.measuredCount, seconds0 = measured.measuringSeconds
            for a in archs { _ = try measured.predictEfficiency(a) }
            let n = measured.measuredCount - count0
            if n > 0 { return (measured.measuringSeconds - seconds0) / Double(n) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        for a in archs { _ = try predictor.predictEfficiency(a) }
        return (clock.now - start).seconds / Double(archs.count)
    }
}
