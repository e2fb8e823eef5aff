import Foundation
import OFASearch

/// XGBoost predictor throughput: batched `XGBoosterPredictFromDense` against one call per
/// architecture (the baseline), one XGBoost thread, on the committed default models.
enum XGBoostBench {
    static func run() throws {
        let root = FileManager.default.currentDirectoryPath + "/predictors/"
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        let accuracy = try XGBoostAccuracyPredictor(directory: root + "ofa-mbv3-w1.0-top1", space: space)
        let latency = try XGBoostLatencyPredictor(directory: root + "help-v100_64-latency", space: space,
                                                  options: .init(allowWidthMismatch: true))
        var rng = SeededGenerator(seed: 1)
        // Trained resolutions only, so every row costs one model row (no interpolation pairs).
        let seen = OFASpace(width: .w1_0, resolutions: [128, 160, 192, 224])
        let archs = (0..<10_000).map { _ in seen.sample(using: &rng) }
        func rate(_ label: String, rows: Int, repeats: Int, _ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repeats { try body() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let r = Double(rows * repeats) / seconds
            print(String(format: "  %@: %.0f rows/s", label, r))
            return r
        }
        let single = try rate("accuracy, one call per architecture (baseline)", rows: 1000, repeats: 1) {
            for a in archs.prefix(1000) { _ = try accuracy.predictAccuracy([a]) }
        }
        let b100 = try rate("accuracy, batch 100", rows: 100, repeats: 50) { _ = try accuracy.predictAccuracy(Array(archs.prefix(100))) }
        let b10k = try rate("accuracy, batch 10,000", rows: 10_000, repeats: 3) { _ = try accuracy.predictAccuracy(archs) }
        print(String(format: "  batch 100: %.1fx, batch 10,000: %.1fx the per-architecture rate", b100 / single, b10k / single))
        let interpolated = (0..<10_000).map { _ in space.sample(using: &rng) }
        _ = try rate("accuracy, batch 10,000 at any resolution 128...224 (mostly interpolated)", rows: 10_000, repeats: 3) {
            _ = try accuracy.predictAccuracy(interpolated)
        }
        _ = try rate("latency v100_64, batch 10,000", rows: 10_000, repeats: 3) { _ = try latency.predictEfficiency(archs) }
    }
}
