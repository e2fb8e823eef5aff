import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAExperiments
import OFATestSupport

/// The OFA tutorial's numbers (`../shared/ofa-data/golden.json`) reproduced by the note10 table and
/// the MLP, and the i7 table's sums for both widths.
@Suite(.enabled(if: TestData.available, TestData.skipReason))
struct PredictorGoldenTests {
    static let goldenResolutions = [160, 176, 192, 208, 224]

    static func golden() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("golden.json")))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func space(_ name: String = "ofa-mbv3-w1.2", _ resolutions: [Int] = goldenResolutions) throws -> any SearchSpace {
        try SpaceCatalog.space(named: name, resolutions: resolutions)
    }

    static let mlp = Result { try MLPAccuracyPredictor(contentsOf: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json")) }
    static let note10 = Result { try LatencyTable(contentsOf: TestData.path("latency/note10"), for: space()) }

    @Test func tutorialArchitecture() throws {
        let golden = try Self.golden()
        let tutorial = try #require(golden["tutorial_architecture"] as? [String: Any])
        let a = try #require(tutorial["arch"] as? [String: Any])
        let arch = try Architecture(ks: a["ks"] as! [Int], e: a["e"] as! [Int], d: a["d"] as! [Int], r: a["r"] as! Int)
        let latency = try Self.note10.get().predictEfficiency(arch)
        let accuracy = try Self.mlp.get().predictAccuracy([arch])[0]
        #expect(abs(latency - (tutorial["note10_latency_ms"] as! Double)) < 1e-4, "latency \(latency)")
        #expect(abs(accuracy - (tutorial["mlp_accuracy"] as! Double)) < 1e-5, "accuracy \(accuracy)")
    }

    @Test(arguments: goldenResolutions)
    func largestAndSmallest(resolution: Int) throws {
        let golden = try Self.golden()
        let byResolution = try #require((golden["largest_and_smallest"] as? [String: Any])?["by_resolution"] as? [String: Any])
        let expected = try #require(byResolution[String(resolution)] as? [String: Double])
        let space = try Self.space()
        let largest = space.largest(resolution: resolution), smallest = space.smallest(resolution: resolution)
        #expect(largest.kernelSize(block: 19) == 7 && largest.expandRatio(block: 19) == 6 && largest.depth(unit: 4) == 4)
        #expect(smallest.kernelSize(block: 0) == 3 && smallest.expandRatio(block: 0) == 3 && smallest.depth(unit: 0) == 2)
        let table = try Self.note10.get(), mlp = try Self.mlp.get()
        let latencies = try table.predictEfficiency([largest, smallest])
        let accuracies = try mlp.predictAccuracy([largest, smallest])
        #expect(abs(latencies[0] - expected["max_latency_ms"]!) < 1e-4, "max latency \(latencies[0])")
        #expect(abs(latencies[1] - expected["min_latency_ms"]!) < 1e-4, "min latency \(latencies[1])")
        #expect(abs(accuracies[0] - expected["max_acc"]!) < 1e-5, "max acc \(accuracies[0])")
        #expect(abs(accuracies[1] - expected["min_acc"]!) < 1e-5, "min acc \(accuracies[1])")
    }

    /// The batched MLP equals row-by-row prediction, at batch sizes that cross the chunk size.
    @Test func batchedEqualsSingle() throws {
        let mlp = try Self.mlp.get(), space = try Self.space()
        var rng = SeededGenerator(seed: 7)
        let archs = (0..<700).map { _ in space.sample(using: &rng) }
        let batched = try mlp.predictAccuracy(archs)
        for i in stride(from: 0, to: archs.count, by: 37) {
            let single = try mlp.predictAccuracy([archs[i]])[0]
            #expect(abs(single - batched[i]) < 1e-6)
        }
        #expect(batched.allSatisfy { (0.6...0.9).contains($0) })
    }

    /// A dense reference forward pass (straight from the JSON, Double precision) agrees with the
    /// sparse Float32 one.
    @Test func sparseFirstLayerEqualsDense() throws {
        let mlp = try Self.mlp.get(), space = try Self.space()
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json")))
        let doc = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let layers = try #require(doc["layers"] as? [[String: Any]])
        let ws = layers.map { $0["weight"] as! [[Double]] }, bs = layers.map { $0["bias"] as! [Double] }
        var rng = SeededGenerator(seed: 3)
        let archs = (0..<20).map { _ in space.sample(using: &rng) }
        let fast = try mlp.predictAccuracy(archs)
        for (arch, predicted) in zip(archs, fast) {
            var x = try OFATutorialEncoding.encode(arch).map(Double.init)
            for l in ws.indices {
                x = ws[l].indices.map { o in zip(ws[l][o], x).reduce(bs[l][o]) { $0 + $1.0 * $1.1 } }
                if l < ws.count - 1 { x = x.map { max(0, $0) } }
            }
            #expect(abs(x[0] - predicted) < 1e-5)
        }
    }

    /// The i7-8700K table covers both widths at every resolution the spaces serve; sums grow with
    /// the subnet and stay in a plausible range for a desktop CPU. (Measured means are noisy: from
    /// one resolution to the next, 4 px up, the largest subnet is not always slower.)
    @Test(arguments: ["ofa-mbv3-w1.0", "ofa-mbv3-w1.2"])
    func i7TableBothWidths(spaceName: String) throws {
        let space = try SpaceCatalog.space(named: spaceName)
        let table = try LatencyTable(contentsOf: TestData.path("latency/i7-8700k_lut.yaml"), for: space)
        #expect(table.format == .nsganetv2)
        var largest: [Double] = []
        for r in space.resolutions {
            let large = try table.predictEfficiency(space.largest(resolution: r))
            let small = try table.predictEfficiency(space.smallest(resolution: r))
            #expect(small < large)
            #expect((1...200).contains(small) && (1...200).contains(large), "r\(r): \(small)...\(large) ms")
            largest.append(large)
        }
        #expect(largest.last! > 1.3 * largest.first!)
        // The sum equals the sum of the keys it names, looked up one by one.
        let file = try LatencyLookupFile(contentsOf: TestData.path("latency/i7-8700k_lut.yaml"))
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<50 {
            let arch = space.sample(using: &rng)
            let bySum = try table.layerKeys(for: arch).reduce(0.0) { try $0 + file.mean($1) }
            #expect(abs(bySum - (try table.predictEfficiency(arch))) < 1e-9)
        }
    }

    /// i7-8700K sums computed independently (a Python script following nsganetv2's
    /// `look_up_latency`, reading the YAML with PyYAML).
    @Test func i7MatchesIndependentSums() throws {
        let tutorial = try Architecture(ks: [5, 3, 7, 7, 5, 3, 7, 7, 7, 7, 3, 3, 5, 5, 7, 3, 3, 3, 5, 5],
                                        e: [3, 3, 6, 6, 4, 4, 4, 4, 6, 3, 4, 4, 4, 4, 4, 3, 6, 6, 6, 6], d: [2, 2, 3, 4, 3], r: 192)
        let w12 = try LatencyTable(nsganetv2File: TestData.path("latency/i7-8700k_lut.yaml"), for: Self.space())
        #expect(abs(try w12.predictEfficiency(tutorial) - 12.503471164157986) < 1e-9)
        let w10space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [128, 224])
        let w10 = try LatencyTable(nsganetv2File: TestData.path("latency/i7-8700k_lut.yaml"), for: w10space)
        #expect(abs(try w10.predictEfficiency(w10space.largest(resolution: 224)) - 36.21567766625549) < 1e-9)
        #expect(abs(try w10.predictEfficiency(w10space.smallest(resolution: 128)) - 4.78322331623508) < 1e-9)
    }

    /// Every note10 resolution loads for the w1.2 space and the per-key sum matches the dense table.
    @Test func note10AllResolutions() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        let table = try LatencyTable(ofaDirectory: TestData.path("latency/note10"), for: space)
        #expect(table.resolutions.count == 17)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            let arch = space.sample(using: &rng)
            let file = try LatencyLookupFile(contentsOf: TestData.path("latency/note10/\(arch.resolution)_lookup_table.yaml"))
            let bySum = try table.layerKeys(for: arch).reduce(0.0) { try $0 + file.mean($1) }
            #expect(abs(bySum - (try table.predictEfficiency(arch))) < 1e-9)
        }
    }

    /// The note10 tables are for w1.2: a w1.0 space fails at load, naming the key and the file.
    @Test func note10RefusesOtherWidth() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [160])
        #expect {
            try LatencyTable(contentsOf: TestData.path("latency/note10"), for: space)
        } throws: { error in
            guard case let .missingKey(key, table) = error as? PredictorError else { return false }
            return key.hasPrefix("Conv-input:160x160x3-output:80x80x16") && table.hasSuffix("note10/160_lookup_table.yaml")
        }
        // A resolution without a file names the file.
        let low = try SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [128])
        #expect {
            try LatencyTable(contentsOf: TestData.path("latency/note10"), for: low)
        } throws: { error in
            guard case let .unreadable(path, _) = error as? PredictorError else { return false }
            return path.hasSuffix("128_lookup_table.yaml")
        }
    }

    /// CompOFA spaces load (only the choices they use are looked up) and agree with the OFA space.
    @Test func compOFASpaceAgreesWithOFA() throws {
        let compofa = try SpaceCatalog.space(named: "compofa-mbv3-w1.2", resolutions: [160, 224])
        let ofa = try Self.note10.get()
        let table = try LatencyTable(contentsOf: TestData.path("latency/note10"), for: compofa)
        for arch in try compofa.enumerate() {
            #expect(try table.predictEfficiency(arch) == ofa.predictEfficiency(arch))
        }
        // An OFA subnet outside CompOFA's choices is refused, not mispredicted.
        let outside = try Architecture(ks: Array(repeating: 7, count: 20), e: Array(repeating: 6, count: 20), d: [4, 4, 4, 4, 4], r: 160)
        #expect(throws: PredictorError.self) { try table.predictEfficiency(outside) }
    }
}
