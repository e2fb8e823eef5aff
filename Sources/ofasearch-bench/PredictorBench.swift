import COpenBLAS
import Foundation
import OFASearch

/// Predictor throughput: the MLP at batch 100 and 10,000 against a dense baseline (the encoding
/// as a 128-wide matrix through four GEMMs, as a straight port of the reference does), the
/// latency tables against per-key string look-ups (what the reference does), and MACs.
/// Architectures are drawn from a seeded generator; every timed call gets a batch it has not seen.
enum PredictorBench {
    static func run() throws {
        // OpenBLAS reads OPENBLAS_NUM_THREADS when the library loads, before main's setenv: set
        // the count explicitly (default one thread, as the guide asks).
        openblas_set_num_threads(Int32(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "1") ?? 1)
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        var rng = SeededGenerator(seed: 20_240_601)
        let pool = (0..<200_000).map { _ in space.sample(using: &rng) }
        print("pool: \(pool.count) random \(space.name) subnets (seed 20240601); OpenBLAS threads \(openblas_get_num_threads()), core \(String(cString: openblas_get_corename()))")

        let counter = MACsPredictor(width: space.width)
        let macsRate = measure(pool, batch: pool.count) { batch in batch.reduce(0) { $0 + Double(counter.macs(of: $1)) } }
        print(String(format: "MACs             %12.0f archs/s", macsRate))

        guard let data = SharedData.locate() else {
            print("MLP / LUT: skipped (../shared/ofa-data is absent)")
            return
        }

        let mlpPath = data.path("predictors/ofa-tutorial-mlp-w1.2.json")
        var started = Date()
        let mlp = try MLPAccuracyPredictor(contentsOf: mlpPath)
        print(String(format: "MLP load         %12.1f ms", Date().timeIntervalSince(started) * 1000))
        let dense = try DenseMLP(contentsOf: mlpPath)
        // Same numbers both ways, before timing anything.
        let check = Array(pool[0..<1000])
        let gap = zip(try mlp.predictAccuracy(check), dense.predict(check)).map { abs($0 - $1) }.max()!
        print(String(format: "MLP sparse vs dense max |diff| over 1000: %.2e", gap))
        for batch in [100, 10_000] {
            let fast = try measure(pool, batch: batch) { try mlp.predictAccuracy($0).reduce(0, +) }
            let base = measure(pool, batch: batch) { dense.predict($0).reduce(0, +) }
            print(String(format: "MLP batch %6d %12.0f rows/s   dense baseline %10.0f rows/s   x%.1f", batch, fast, base, fast / base))
        }
        let single = try measure(pool, batch: 1, limit: 20_000) { try mlp.predictAccuracy($0).reduce(0, +) }
        print(String(format: "MLP batch      1 %12.0f rows/s", single))

        for (label, path, tableSpace) in [
            ("note10", data.path("latency/note10"), space),
            ("i7-8700k", data.path("latency/i7-8700k_lut.yaml"), space),
        ] {
            started = Date()
            let table = try LatencyTable(contentsOf: path, for: tableSpace)
            let loadMs = Date().timeIntervalSince(started) * 1000
            // Baseline: the reference's way, build each layer's key and look it up.
            var files: [Int: LatencyLookupFile] = [:]
            let single = table.isDirectory ? nil : try LatencyLookupFile(contentsOf: path)
            for r in tableSpace.resolutions {
                files[r] = try single ?? LatencyLookupFile(contentsOf: path + "/" + LatencyTableFormat.ofaFileName(resolution: r))
            }
            let fast = try measure(pool, batch: 100) { try table.predictEfficiency($0).reduce(0, +) }
            let base = try measure(pool, batch: 100, limit: 50_000) { batch in
                try batch.reduce(0.0) { sum, arch in try table.layerKeys(for: arch).reduce(sum) { try $0 + files[arch.resolution]!.mean($1) } }
            }
            print(String(format: "LUT %-8@ load %6.1f ms %12.0f latencies/s   string-key baseline %10.0f/s   x%.0f",
                         label as NSString, loadMs, fast, base, fast / base))
        }
    }

    /// Rows per second of `body` over consecutive, distinct batches of the pool, timed for about
    /// half a second (or `limit` rows).
    static func measure(_ pool: [Architecture], batch: Int, limit: Int = .max,
                        _ body: ([Architecture]) throws -> Double) rethrows -> Double {
        var sink = 0.0, rows = 0, start = 0
        let clock = ContinuousClock()
        let t0 = clock.now
        var elapsed = Duration.zero
        repeat {
            if start + batch > pool.count { start = 0 }
            sink += try body(Array(pool[start..<start + batch]))
            start += batch
            rows += batch
            elapsed = clock.now - t0
        } while elapsed < .milliseconds(500) && rows < limit
        if sink.isNaN { print("(nan)") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(rows) / seconds
    }
}

/// The baseline: dense 128-value encoding and one GEMM per layer, weights read with Foundation.
private struct DenseMLP {
    let sizes: [Int]
    let weights: [[Float]]
    let biases: [[Float]]

    init(contentsOf path: String) throws {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let layers = doc["layers"] as! [[String: Any]]
        weights = layers.map { ($0["weight"] as! [[Double]]).flatMap { $0.map(Float.init) } }
        biases = layers.map { ($0["bias"] as! [Double]).map(Float.init) }
        sizes = [128] + biases.map(\.count)
    }

    func predict(_ archs: [Architecture]) -> [Double] {
        let m = archs.count
        var x = [Float](repeating: 0, count: m * 128)
        for (row, arch) in archs.enumerated() {
            for i in try! OFATutorialEncoding.activeIndices(of: arch) { x[row * 128 + i] = 1 }
        }
        for l in weights.indices {
            let n = sizes[l + 1], k = sizes[l]
            var y = [Float](repeating: 0, count: m * n)
            for row in 0..<m { for o in 0..<n { y[row * n + o] = biases[l][o] } }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, x, Int32(k),
                        weights[l], Int32(k), 1, &y, Int32(n))
            if l < weights.count - 1 { for i in y.indices where y[i] < 0 { y[i] = 0 } }
            x = y
        }
        return x.map(Double.init)
    }
}
