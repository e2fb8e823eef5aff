import Foundation
import OFACore
import OFAPredictors
import OFAStrategies
import OFAExperiments

/// Deterministic stand-ins for predictors and the search engine, so runner tests exercise
/// expansion, parallelism, resume and outputs without real data.
package struct RunnerFakeAccuracy: AccuracyPredictor {
    package var name = "fake-accuracy"
    package init() {}
    package func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        archs.map { a in
            let k = a.activeBlocks.map { Double(a.kernelSize(block: $0)) }.reduce(0, +)
            let e = a.activeBlocks.map { Double(a.expandRatio(block: $0)) }.reduce(0, +)
            // At most about 0.86: a top-1 fraction, as every prediction must be (PredictionCheck).
            return 0.5 + 0.001 * k + 0.0015 * e + 0.0004 * Double(a.resolution - 128)
        }
    }
}

/// A cost that grows with every choice (like MACs), in "ms".
package struct RunnerFakeCost: EfficiencyPredictor {
    package var name = "fake-cost"
    package var metric: EfficiencyMetric = .latency
    package init(metric: EfficiencyMetric = .latency) { self.metric = metric }
    package func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        archs.map { a in
            let scale = Double(a.resolution * a.resolution) / (224.0 * 224.0)
            return 2 + scale * a.activeBlocks.map { Double(a.kernelSize(block: $0) * a.expandRatio(block: $0)) / 3 }.reduce(0, +)
        }
    }
}

/// The fake accuracy with an efficiency predictor chosen per reference and space.
///
/// ```swift
/// let loader = ManifestLoader(predictors: FakeAccuracyProvider.runner, paths: paths)
/// ```
package struct FakeAccuracyProvider: PredictorProvider {
    let efficiency: @Sendable (PredictorReference, any SearchSpace) -> any EfficiencyPredictor

    /// The fake cost model in the reference's metric.
    package static let runner = FakeAccuracyProvider { reference, _ in RunnerFakeCost(metric: reference.metric) }
    /// Measured latency replaced by the slow cost model, the fake cost model for the rest.
    package static let projection = FakeAccuracyProvider { reference, _ in reference.kind == .measured ? SlowCost() as any EfficiencyPredictor : RunnerFakeCost() }
    /// The real MACs counter (no data files needed).
    package static let macs = FakeAccuracyProvider { _, space in MACsPredictor(width: space.width) }

    package func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor { RunnerFakeAccuracy() }
    package func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor {
        efficiency(reference, space)
    }
}

/// Random sampling for every strategy but exhaustive (which enumerates), seeded by the request.
package struct RunnerFakeBackend: SearchBackend {
    package init() {}
    package func search(_ request: SearchRequest) throws -> SearchOutcome {
        var rng = SeededGenerator(seed: request.seed)
        let candidates: [Architecture]
        if request.strategy.kind == .exhaustive {
            candidates = try request.space.enumerate(limit: UInt128(request.strategy.limit))
        } else {
            let n = request.strategy.kind == .random ? request.strategy.samples : request.strategy.population * 2
            candidates = (0..<n).map { _ in request.space.sample(using: &rng) }
        }
        let acc = try request.accuracy.predictAccuracy(candidates)
        let cost = try request.efficiency.predictEfficiency(candidates)
        let unique = Set(candidates).count
        let results = request.targets.map { target -> TargetOutcome in
            var best: Int?
            var curve: [CurvePoint] = []
            for i in candidates.indices where cost[i] <= target {
                if best == nil || acc[i] > acc[best!] { best = i }
                curve.append(CurvePoint(evaluations: i + 1, accuracy: acc[best!]))
            }
            let front = ParetoFront(candidates.indices.map { Candidate(arch: candidates[$0], accuracy: acc[$0], efficiency: cost[$0]) }).members
            return TargetOutcome(target: target, arch: best.map { candidates[$0] }, accuracy: best.map { acc[$0] } ?? 0,
                                 efficiency: best.map { cost[$0] } ?? 0, evaluations: candidates.count,
                                 uniqueArchitectures: unique, bestSoFar: curve, front: front)
        }
        return SearchOutcome(targets: results, evaluations: candidates.count * request.targets.count, uniqueArchitectures: unique)
    }
}

/// A slow cost model standing in for measured latency (1 ms per call).
package struct SlowCost: EfficiencyPredictor {
    package var name = "slow"
    package var metric: EfficiencyMetric { .latency }
    package init() {}
    package func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        usleep(UInt32(1000 * archs.count))
        return try RunnerFakeCost().predictEfficiency(archs).map { $0 * 1.1 }
    }
}

/// Loads nothing: every predictor fails.
package struct FailingProvider: PredictorProvider {
    package init() {}
    package func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor {
        throw PredictorError.unsupported("no accuracy here")
    }
    package func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor {
        throw PredictorError.unsupported("no efficiency here")
    }
}

/// The default catalog, with measured latency replaced by the committed CPU table: a debug build
/// measures subnets tens of times slower than a release build, which would make the manifests'
/// millisecond targets look infeasible (and the test slow).
package struct TableForMeasured: PredictorProvider {
    package let catalog = PredictorCatalog()
    package init() {}
    package func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor {
        try catalog.accuracyPredictor(reference, space: space)
    }
    package func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor {
        guard reference.kind == .measured else { return try catalog.efficiencyPredictor(reference, space: space) }
        return try LatencyTable(contentsOf: TestData.packageRoot + "/predictors/cpu-lut-w1.0", for: space)
    }
}
