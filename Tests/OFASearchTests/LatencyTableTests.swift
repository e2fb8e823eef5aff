import Foundation
import Synchronization
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAEngine
@testable import OFAExperiments
import OFATestSupport

@Suite struct LatencyTableTests {
    static func tempDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-lut-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Profiles a tiny space (CompOFA fixed kernels at a 32-pixel input, one timing per key) and
    /// checks that the table covers every subnet, survives writing and reading in both layouts,
    /// and sums to a plausible latency.
    @Test func profileWriteReadRoundTrip() throws {
        let space = CompOFASpace(width: .w1_0, kernels: .fixed, resolutions: [32, 36])
        let profiler = LatencyProfiler(space: space, minSamples: 2, runsPerSubnet: 1, warmup: 0, seed: 3)
        var progressCalls = 0
        let table = profiler.profile(header: ["test table"]) { _ in progressCalls += 1 }
        #expect(progressCalls > 0)
        for r in space.resolutions {
            let required = profiler.requiredLayers(resolution: r).map(\.tableKey)
            // stem, first block, 5 units x (first, later) x 3 expand ratios, head (4 layers)
            #expect(required.count == 2 + 30 + 4)
            #expect(Set(required).count == required.count)
            for key in required {
                let s = try #require(table.entries[key], "missing \(key)")
                #expect(s.count >= 2 && s.mean > 0, "\(key): \(s)")
            }
            #expect(Set(table.keysByResolution[r] ?? []) == Set(required))
        }
        // Every subnet of the space finds all its keys.
        for arch in try space.enumerate() {
            let ms = try table.latency(of: NetworkPlan(architecture: arch, width: .w1_0))
            #expect(ms > 0 && ms < 1000)
        }

        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try table.write(to: dir + "/lut")
        #expect(FileManager.default.fileExists(atPath: dir + "/lut/32_lookup_table.yaml"))
        #expect(FileManager.default.fileExists(atPath: dir + "/lut/36_lookup_table.yaml"))
        let text = try String(contentsOfFile: dir + "/lut/32_lookup_table.yaml", encoding: .utf8)
        #expect(text.hasPrefix("# test table\n"))
        #expect(text.contains("Conv-input:32x32x3-output:16x16x16:\n  count: "))
        let back = try ProfiledLatencyTable(contentsOf: dir + "/lut")
        #expect(back.entries == table.entries)
        #expect(back.header == ["test table"])
        #expect(Set(back.keysByResolution[36] ?? []) == Set(table.keysByResolution[36] ?? []))

        // The look-up-table predictor reads the profiled directory like note10's and sums the same.
        let predictor = try LatencyTable(contentsOf: dir + "/lut", for: space)
        for arch in try space.enumerate() {
            let a = try predictor.latency(arch), b = try table.latency(of: NetworkPlan(architecture: arch, width: .w1_0))
            #expect(abs(a - b) <= 1e-12 * b, "\(arch)")
        }

        try table.write(to: dir + "/all.yaml")
        let single = try ProfiledLatencyTable(contentsOf: dir + "/all.yaml")
        #expect(single.entries == table.entries)
        let singlePredictor = try LatencyTable(contentsOf: dir + "/all.yaml", for: space)
        for arch in try space.enumerate() {
            #expect(try singlePredictor.latency(arch) == predictor.latency(arch))
        }
    }

    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func readsNote10() throws {
        let table = try ProfiledLatencyTable(contentsOf: TestData.path("latency/note10"))
        let s = try #require(table.entries["AvgPool2D-input:5x5x1152-output:1x1x1152"])
        #expect(s.count == 491)
        #expect(s.mean == 0.008482688391038698)
        #expect(table.keysByResolution.keys.sorted() == Array(stride(from: 160, through: 224, by: 4)))
    }

    @Test func errorsNameFileLineAndKey() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = dir + "/bad.yaml"
        try "Conv-input:8x8x3-output:4x4x16:\n  count: 3\n  mean: fast\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: PredictorError.malformed(path: bad + ":3", reason: "expected '  count|mean|std: NUMBER', got '  mean: fast'")) {
            try ProfiledLatencyTable(contentsOf: bad)
        }
        #expect(throws: PredictorError.unreadable(path: dir + "/none", reason: "no such file or directory")) {
            try ProfiledLatencyTable(contentsOf: dir + "/none")
        }
        let table = ProfiledLatencyTable(entries: [:], source: "t.yaml")
        let plan = NetworkPlan(architecture: CompOFASpace(width: .w1_0, kernels: .fixed, resolutions: [128]).smallest(resolution: 128), width: .w1_0)
        #expect(throws: PredictorError.missingKey(key: "Conv-input:128x128x3-output:64x64x16", table: "t.yaml")) {
            try table.latency(of: plan)
        }
    }

    /// The committed CPU tables cover every space of their width at every resolution, for both readers.
    @Test(arguments: ["ofa-mbv3-w1.0", "compofa-mbv3-w1.0", "compofa-elastic-mbv3-w1.0",
                      "ofa-mbv3-w1.2", "compofa-mbv3-w1.2", "compofa-elastic-mbv3-w1.2"])
    func committedTablesCoverTheirSpaces(space name: String) throws {
        let space = try SpaceCatalog.space(named: name)
        let path = TestData.packageRoot + "/predictors/cpu-lut-\(space.width.name)"
        let predictor = try LatencyTable(contentsOf: path, for: space)
        let table = try ProfiledLatencyTable(contentsOf: path)
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<200 {
            let arch = space.sample(using: &rng)
            let a = try predictor.latency(arch), b = try table.latency(of: NetworkPlan(architecture: arch, width: space.width))
            #expect(abs(a - b) <= 1e-9 * b && b > 0.5 && b < 100, "\(arch): \(a) vs \(b)")
        }
    }

    @Test func statsDropSlowOutliers() {
        let s = LatencyStats(samples: [1, 1.1, 0.9, 9.0])
        #expect(s.count == 3)
        #expect(abs(s.mean - 1.0) < 1e-12)
        #expect(abs(s.std - 0.1) < 1e-12)
        #expect(LatencyStats(samples: [2]).std == 0)
    }

    @Test func agreementOnKnownValues() {
        let a = LatencyAgreement(predicted: [1, 2, 3, 4], measured: [1, 2.1, 2.5, 4.5])
        // relative errors 0, -0.047619, +0.2, -0.111111
        #expect(a.within10 == 0.5)
        #expect(a.within5 == 0.5)
        #expect(abs(a.bias - 0.0103174603) < 1e-9)
        #expect(abs(a.rmspe - (((0.1 / 2.1) * (0.1 / 2.1) + 0.04 + (0.5 / 4.5) * (0.5 / 4.5)) / 4).squareRoot()) < 1e-12)
        #expect(a.kendallTau == 1)
        #expect(abs(a.meanAbsoluteErrorMs - 0.275) < 1e-12)
        #expect(Metrics.kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
        // scipy.stats.kendalltau([1, 2, 3], [1, 1, 2]) = 0.8164965809 (tau-b)
        #expect(abs(Metrics.kendallTauB([1, 2, 3], [1, 1, 2]) - 0.8164965809) < 1e-9)
    }

    @Test func scatterPlotHasAxesPointsAndBand() {
        let plot = LatencyScatterPlot(predicted: [1, 2, 3], measured: [1.05, 2.5, 3], title: "t")
        #expect(abs((plot.chart.xRange?.upperBound ?? 0) - 3.15) < 1e-9 && plot.chart.yRange == plot.chart.xRange)
        let svg = plot.svg
        #expect(svg.hasPrefix("<?xml"))
        // Three points and the legend's two markers (within, outside).
        #expect(svg.components(separatedBy: "<circle").count - 1 == 5)
        #expect(svg.components(separatedBy: "#d62728").count - 1 == 2, "one point outside ±10%, and its legend entry")
        #expect(svg.contains("stroke-dasharray") && svg.contains("±10%"))
        #expect(svg.contains("measured end-to-end latency (ms)"))
    }

    @Test func measuredPredictorMemoizesAcrossThreads() throws {
        let space = CompOFASpace(width: .w1_0, kernels: .fixed, resolutions: [32])
        let archs = Array(try space.enumerate().prefix(4))
        // blasThreads nil: leave OpenBLAS's process-wide thread count alone while other tests run.
        let predictor = MeasuredLatencyPredictor(width: .w1_0, warmup: 0, runs: 1, blasThreads: nil)
        #expect(predictor.metric == .latency)
        let results = Mutex<[Int: Double]>([:])
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let ms = try! predictor.predictEfficiency(archs[i % 4])
            results.withLock { $0[i] = ms }
        }
        #expect(predictor.measuredCount == 4)
        #expect(predictor.measuringSeconds > 0)
        let r = results.withLock { $0 }
        for i in 0..<16 { #expect(r[i] == r[i % 4] && r[i]! > 0) }
        // Cached: the same value again, no new measurement.
        #expect(try predictor.predictEfficiency(archs) == (0..<4).map { r[$0]! })
        #expect(predictor.measuredCount == 4)
    }
}
