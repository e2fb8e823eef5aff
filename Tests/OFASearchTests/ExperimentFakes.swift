import Foundation
@testable import OFACore
@testable import OFAStrategies
@testable import OFAExperiments

/// Deterministic stand-ins for predictors and the search engine, so runner tests exercise
/// expansion, parallelism, resume and outputs without real data.
struct RunnerFakeAccuracy: AccuracyPredictor {
    var name = "fake-accuracy"
    func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        archs.map { a in
            let k = a.activeBlocks.map { Double(a.kernelSize(block: $0)) }.reduce(0, +)
            let e = a.activeBlocks.map { Double(a.expandRatio(block: $0)) }.reduce(0, +)
            // At most about 0.86: a top-1 fraction, as every prediction must be (PredictionCheck).
            return 0.5 + 0.001 * k + 0.0015 * e + 0.0004 * Double(a.resolution - 128)
        }
    }
}

/// A cost that grows with every choice (like MACs), in "ms".
struct RunnerFakeCost: EfficiencyPredictor {
    var name = "fake-cost"
    var metric: EfficiencyMetric = .latency
    func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        archs.map { a in
            let scale = Double(a.resolution * a.resolution) / (224.0 * 224.0)
            return 2 + scale * a.activeBlocks.map { Double(a.kernelSize(block: $0) * a.expandRatio(block: $0)) / 3 }.reduce(0, +)
        }
    }
}

struct RunnerFakeProvider: PredictorProvider {
    func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor { RunnerFakeAccuracy() }
    func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor {
        RunnerFakeCost(metric: reference.metric)
    }
}

/// Random sampling for every strategy but exhaustive (which enumerates), seeded by the request.
struct RunnerFakeBackend: SearchBackend {
    func search(_ request: SearchRequest) throws -> SearchOutcome {
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

/// A scratch folder removed when the test ends.
final class TempFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "ofasearch-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: path + "/" + name, encoding: .utf8)) ?? ""
    }
}

/// `runs.jsonl` without its two timing fields, for comparing runs.
func withoutTimings(_ text: String) -> String {
    text.replacing(/"(run_)?seconds":[-0-9.eE+]+,/, with: "")
}
