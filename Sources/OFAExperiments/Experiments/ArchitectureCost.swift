import Foundation
import OFACore
import OFAEngine

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
        let archs = sample(space, samples, seed: seed)
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

    /// `proxy` scaled by the median of `real / proxy` cost over the same `samples` subnets
    /// ``measure(_:space:samples:seed:)`` draws: a proxy table profiled on another machine (or at
    /// another load) put on this machine's scale. The runner searches with it and validation
    /// prices targets with it. A measured predictor answers those subnets from its cache.
    public static func calibrated(_ proxy: any EfficiencyPredictor, to real: any EfficiencyPredictor, space: any SearchSpace,
                                  samples: Int, seed: UInt64) throws -> ScaledEfficiencyPredictor {
        ScaledEfficiencyPredictor(proxy, factor: try calibration(real: real, proxy: proxy, space: space, samples: samples, seed: seed))
    }

    static func calibration(real: any EfficiencyPredictor, proxy: any EfficiencyPredictor, space: any SearchSpace,
                            samples: Int, seed: UInt64) throws -> Double {
        let archs = sample(space, samples, seed: seed)
        let ratios = try archs.map { try real.predictEfficiency($0) / proxy.predictEfficiency($0) }.filter { $0.isFinite && $0 > 0 }
        return ratios.isEmpty ? 1 : Metrics.median(ratios)
    }

    /// The subnets both measurements use: `count` drawn uniformly from `space`.
    private static func sample(_ space: any SearchSpace, _ count: Int, seed: UInt64) -> [Architecture] {
        var rng = SeededGenerator(seed: seed, stream: 0x7072_6f6a)
        return (0..<max(1, count)).map { _ in space.sampleUniformly(using: &rng) }
    }
}

/// An efficiency predictor's costs times a constant (a proxy table calibrated to this machine).
public struct ScaledEfficiencyPredictor: EfficiencyPredictor {
    public let base: any EfficiencyPredictor
    public let factor: Double

    public init(_ base: any EfficiencyPredictor, factor: Double) {
        self.base = base
        self.factor = factor
    }

    public var name: String { "\(base.name) × \(String(format: "%.3f", factor))" }
    public var metric: EfficiencyMetric { base.metric }
    public func predictEfficiency(_ arch: Architecture) throws -> Double { try base.predictEfficiency(arch) * factor }
    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] { try base.predictEfficiency(archs).map { $0 * factor } }
}
