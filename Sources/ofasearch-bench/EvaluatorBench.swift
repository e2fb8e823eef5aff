import Foundation
import OFASearch

/// External evaluators and the measurement store: the protocol's cost per measurement with the
/// toy evaluator (its answer costs microseconds), batch 1 as the baseline; store inserts (one
/// transaction per measurement as the baseline, then a batch per transaction, as an evaluator
/// commits) and look-ups per second.
enum EvaluatorBench {
    static func run() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        var rng = SeededGenerator(seed: 1)
        let archs = (0..<4_000).map { _ in space.sample(using: &rng) }
        let folder = NSTemporaryDirectory() + "ofasearch-bench-store-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        let script = FileManager.default.currentDirectoryPath + "/scripts/evaluators/toy_evaluator.py"
        if FileManager.default.isReadableFile(atPath: script) {
            var perMeasurement: [Int: Double] = [:]
            for batch in [1, 64, 1, 64] {   // interleaved, best of two
                let spec = EvaluatorSpec(command: ["python3", script, "--metric", "latency_ms"], batchSize: batch)
                let evaluator = try ExternalEvaluator(spec: spec)
                let n = batch == 1 ? 500 : 4_000
                let t = try seconds { _ = try evaluator.measure(Array(archs.prefix(n)), space: space.name) }
                perMeasurement[batch] = min(perMeasurement[batch] ?? .infinity, t / Double(n))
            }
            print(String(format: "  protocol, batch 1 (baseline): %.3f ms per measurement", perMeasurement[1]! * 1e3))
            print(String(format: "  protocol, batch 64: %.4f ms per measurement (%.0fx), toy evaluator's own work included",
                         perMeasurement[64]! * 1e3, perMeasurement[1]! / perMeasurement[64]!))
        } else {
            print("  protocol: skipped (scripts/evaluators/toy_evaluator.py not found; run from the project root)")
        }

        let store = try MeasurementStore(path: folder + "/bench.sqlite")
        let identity = EvaluatorIdentity(name: "bench", metric: .latency, device: "this machine", version: "1")
        let single = try seconds {
            for (i, a) in archs.prefix(500).enumerated() { try store.record(identity, space: "single", [(a, EvaluatorMeasurement(value: Double(i) + 1))]) }
        } / 500
        let batched = try seconds {
            for start in stride(from: 0, to: archs.count, by: 64) {
                let slice = archs[start..<min(archs.count, start + 64)]
                try store.record(identity, space: "batched", slice.map { ($0, EvaluatorMeasurement(value: 1)) })
            }
        } / Double(archs.count)
        let lookup = try seconds { _ = try store.lookup(identity, space: "batched", archs) } / Double(archs.count)
        print(String(format: "  store insert, one transaction each (baseline): %.0f/s", 1 / single))
        print(String(format: "  store insert, 64 per transaction: %.0f/s (%.0fx)", 1 / batched, single / batched))
        print(String(format: "  store look-up: %.0f/s", 1 / lookup))
    }
}
