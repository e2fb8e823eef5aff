import Foundation
import Synchronization
import OFACore
import OFAStrategies

/// A smooth accuracy stand-in: grows with every choice, with diminishing returns per unit, so
/// that the best subnet under a budget is a real trade-off. Counts the rows it predicts.
package final class FakeAccuracy: AccuracyPredictor {
    package let name = "fake-accuracy"
    private let counts = Mutex((rows: 0, calls: 0))
    package var rows: Int { counts.withLock { $0.rows } }
    package var calls: Int { counts.withLock { $0.calls } }

    package init() {}

    package static func value(_ a: Architecture) -> Double {
        // At most about 0.98 over the spaces' largest subnets: a top-1 fraction, as every
        // prediction must be (PredictionCheck).
        var acc = 0.55 + 0.0004 * Double(a.resolution - 160)
        for u in 0..<Architecture.unitCount {
            let d = a.depth(unit: u)
            for j in 0..<d {
                let b = u * Architecture.maxDepth + j
                let gain = 0.002 * Double(a.kernelSize(block: b)) + 0.003 * Double(a.expandRatio(block: b))
                acc += gain / Double(j + 1) * (1 + 0.1 * Double(u))
            }
        }
        return acc
    }

    package func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        counts.withLock { $0.rows += archs.count; $0.calls += 1 }
        return archs.map(Self.value)
    }
}

/// A MACs-like cost: each active block costs resolution² × expand × (kernel² + 8) scaled by its
/// unit, so it is monotone in every choice.
package struct FakeCost: EfficiencyPredictor {
    package let name = "fake-cost"
    package let metric = EfficiencyMetric.latency
    /// When set, kernel 3 costs more than kernel 5 (a non-monotone table).
    package var kernel3Penalty = 0.0

    package init(kernel3Penalty: Double = 0) { self.kernel3Penalty = kernel3Penalty }

    package func cost(_ a: Architecture) -> Double {
        let r2 = Double(a.resolution * a.resolution) / (224.0 * 224.0)
        var c = 2.0 * r2
        for u in 0..<Architecture.unitCount {
            for j in 0..<a.depth(unit: u) {
                let b = u * Architecture.maxDepth + j
                let k = Double(a.kernelSize(block: b)), e = Double(a.expandRatio(block: b))
                c += r2 * e * (k * k + 8) * 0.012 * (1 + 0.3 * Double(u))
                if a.kernelSize(block: b) == 3 { c += kernel3Penalty }
            }
        }
        return c
    }

    package func predictEfficiency(_ archs: [Architecture]) throws -> [Double] { archs.map(cost) }
    package func predictEfficiency(_ arch: Architecture) throws -> Double { cost(arch) }
}

extension SearchResult {
    /// JSON with the timing zeroed, for byte-for-byte comparisons.
    package func timelessJSON() -> String {
        var r = self
        r.seconds = 0
        if r.sweep != nil { r.sweep!.seconds = 0 }
        return r.json(history: true, front: true, population: true).rendered()
    }
}
