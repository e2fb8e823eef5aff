import Foundation
import OFASearch

/// A smooth accuracy stand-in: grows with every choice, with diminishing returns per unit, so
/// that the best subnet under a budget is a real trade-off. Counts the rows it predicts.
final class FakeAccuracy: AccuracyPredictor, @unchecked Sendable {
    let name = "fake-accuracy"
    private let lock = NSLock()
    private var _rows = 0
    private var _calls = 0
    var rows: Int { lock.withLock { _rows } }
    var calls: Int { lock.withLock { _calls } }

    static func value(_ a: Architecture) -> Double {
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

    func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        lock.withLock { _rows += archs.count; _calls += 1 }
        return archs.map(Self.value)
    }
}

/// A MACs-like cost: each active block costs resolution² × expand × (kernel² + 8) scaled by its
/// unit, so it is monotone in every choice.
struct FakeCost: EfficiencyPredictor {
    let name = "fake-cost"
    let metric = EfficiencyMetric.latency
    /// When set, kernel 3 costs more than kernel 5 (a non-monotone table).
    var kernel3Penalty = 0.0

    func cost(_ a: Architecture) -> Double {
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

    func predictEfficiency(_ archs: [Architecture]) throws -> [Double] { archs.map(cost) }
    func predictEfficiency(_ arch: Architecture) throws -> Double { cost(arch) }
}

extension SearchResult {
    /// JSON with the timing zeroed, for byte-for-byte comparisons.
    func timelessJSON() -> String {
        var r = self
        r.seconds = 0
        if r.sweep != nil { r.sweep!.seconds = 0 }
        return r.json(history: true, front: true, population: true).rendered()
    }
}
