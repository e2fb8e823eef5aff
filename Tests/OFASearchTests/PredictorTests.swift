import Foundation
import Synchronization
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAExperiments
import OFATestSupport

/// Encoding, MACs, parsing and error behaviour of the predictors (no golden numbers here).
@Suite struct PredictorTests {
    static func arch(ks: Int = 3, e: Int = 3, d: [Int] = [4, 4, 4, 4, 4], r: Int = 224) throws -> Architecture {
        try Architecture(ks: Array(repeating: ks, count: 20), e: Array(repeating: e, count: 20), d: d, r: r)
    }

    // MARK: encoding

    @Test func encodingLayout() throws {
        var ks = Array(repeating: 3, count: 20), e = Array(repeating: 3, count: 20)
        ks[0] = 5; e[0] = 4          // block 0: kernel slot 1, expand slot 1
        ks[5] = 7; e[5] = 6          // block 5: kernel slot 2, expand slot 2
        ks[3] = 7; e[3] = 6          // block 3 is skipped (unit 0 has depth 2): must not appear
        let arch = try Architecture(ks: ks, e: e, d: [2, 3, 4, 2, 3], r: 192)
        let ones = try OFATutorialEncoding.activeIndices(of: arch)
        #expect(ones.count == 2 * 14 + 1)
        #expect(ones.contains(3 * 0 + 1) && ones.contains(60 + 3 * 0 + 1))
        #expect(ones.contains(3 * 5 + 2) && ones.contains(60 + 3 * 5 + 2))
        #expect(!ones.contains { (9..<12).contains($0) || (69..<72).contains($0) })   // block 3
        #expect(!ones.contains { (6..<9).contains($0) })                               // block 2 skipped too
        #expect(ones.last == 120 + (192 - 112) / 16)
        #expect(ones == ones.sorted())
        let dense = try OFATutorialEncoding.encode(arch)
        #expect(dense.count == 128 && dense.reduce(0, +) == 29)
        #expect(ones.allSatisfy { dense[$0] == 1 })
    }

    @Test(arguments: [(128, 121), (160, 123), (176, 124), (188, 124), (192, 125), (208, 126), (224, 127), (112, 120), (239, 127)])
    func resolutionSlot(resolution: Int, index: Int) throws {
        #expect(try OFATutorialEncoding.activeIndices(of: Self.arch(r: resolution)).last == index)
    }

    @Test func encodingRefusesValuesWithoutSlot() throws {
        for r in [96, 111, 240, 256] {
            #expect(throws: PredictorError.self) { try OFATutorialEncoding.activeIndices(of: Self.arch(r: r)) }
        }
        #expect {
            try OFATutorialEncoding.activeIndices(of: Self.arch(ks: 9))
        } throws: { ($0 as? PredictorError)?.description.contains("kernel size 9 (block 0)") == true }
        #expect {
            try OFATutorialEncoding.activeIndices(of: Self.arch(e: 5))
        } throws: { ($0 as? PredictorError)?.description.contains("expand ratio 5 (block 0)") == true }
    }

    // MARK: MACs

    @Test func macsGrowWithTheSubnetAndResolution() throws {
        let counter = MACsPredictor(width: .w1_0)
        let small = try Self.arch(d: [2, 2, 2, 2, 2], r: 224), large = try Self.arch(ks: 7, e: 6, r: 224)
        #expect(counter.macs(of: small) < counter.macs(of: large))
        #expect(counter.macs(of: try Self.arch(r: 160)) < counter.macs(of: try Self.arch(r: 224)))
        #expect(counter.parameters(of: try Self.arch(r: 160)) == counter.parameters(of: try Self.arch(r: 224)))
        #expect(MACsPredictor(width: .w1_2).macs(of: large) > counter.macs(of: large))
        #expect(try counter.predictEfficiency(large) == Double(counter.macs(of: large)))
        #expect(counter.metric == .macs)
    }

    /// DyNAS-T measured MACs and parameter counts for 1,879 w1.0 subnets at r224: all equal.
    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func macsEqualDyNAST() throws {
        let rows = try JSONLines.read(path: TestData.path("accuracy/ofa-mbv3-w1.0.jsonl")) { obj -> (Architecture, Int, Int)? in
            guard obj["macs"] != nil else { return nil }
            return (try Architecture(json: obj), try obj.int("macs"), try obj.int("params"))
        }.compactMap { $0 }
        #expect(rows.count == 1879)
        let counter = MACsPredictor(width: .w1_0)
        var macsEqual = 0, paramsEqual = 0
        for (arch, macs, params) in rows {
            if counter.macs(of: arch) == macs { macsEqual += 1 }
            if counter.parameters(of: arch) == params { paramsEqual += 1 }
        }
        #expect(macsEqual == rows.count, "\(macsEqual)/\(rows.count) MACs exact")
        #expect(paramsEqual == rows.count, "\(paramsEqual)/\(rows.count) params exact")
    }

    // MARK: look-up files

    @Test func lookupFileAcceptsCommentsQuotesAndCRLF() throws {
        let text = "# comment\r\n---\r\n'A-input:1x1x3-output:1':\r\n  count: 3\r\n  mean: 0.5\r\n\r\n\"B:c\":\r\n  mean: 2\r\n"
        let file = try LatencyLookupFile(parsing: text, path: "t.yaml")
        #expect(file.means == ["A-input:1x1x3-output:1": 0.5, "B:c": 2])
        #expect(throws: PredictorError.missingKey(key: "C", table: "t.yaml")) { try file.mean("C") }
    }

    @Test(arguments: [
        ("A:\n  mean: x\n", "t.yaml:2: field 'mean' must be a number, got 'x'"),
        ("A:\n  count: 3\nB:\n  mean: 1\n", "t.yaml:1: entry 'A' has no 'mean'"),
        ("A:\n  mean: 1\nA:\n  mean: 2\n", "t.yaml:3: duplicate entry 'A'"),
        ("  mean: 1\n", "t.yaml:1: indented line outside an entry"),
        ("A:\n  mean: 1\nB\n", "t.yaml:3: expected 'KEY:' opening an entry, got 'B'"),
        ("A:\n  mean 1\n", "t.yaml:2: expected 'name: value', got 'mean 1'"),
        ("A:\n  mean: -1\n", "t.yaml:2: mean must be a latency in 0...10000 ms, got -1"),
        ("\n# nothing\n", "t.yaml: no entries"),
    ])
    func lookupFileErrorsNameTheLine(text: String, message: String) {
        #expect {
            try LatencyLookupFile(parsing: text, path: "t.yaml")
        } throws: { ($0 as? PredictorError)?.description == message }
    }

    /// A key missing from a table fails the load, naming the key and the file.
    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func missingKeyNamesKeyAndTable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-lut-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOfFile: TestData.path("latency/note10/160_lookup_table.yaml"), encoding: .utf8)
        let dropped = "expanded_conv-input:10x10x136-output:5x5x192-expand:816-kernel:7-stride:2-idskip:0-se:1-hs:1"
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        let at = try #require(lines.firstIndex { $0 == dropped + ":" })
        lines.removeSubrange(at..<at + 4)
        let path = dir.appendingPathComponent("160_lookup_table.yaml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160])
        #expect(throws: PredictorError.missingKey(key: dropped, table: path)) {
            try LatencyTable(contentsOf: dir.path, for: space)
        }
        // CompOFA (fixed kernel 5 in unit 4) never needs that kernel-7 key: it loads.
        let compofa = try SpaceCatalog.space(named: "compofa-mbv3-w1.2", resolutions: [160])
        #expect(throws: Never.self) { try LatencyTable(contentsOf: dir.path, for: compofa) }
    }

    /// A single file with OFA's keys (as `lut profile` writes) is read as OFA's scheme; a YAML
    /// file with neither scheme's keys is refused, naming the file.
    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func singleFileFormatIsDetectedFromItsKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-lut1-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let single = dir.appendingPathComponent("one.yaml").path
        let text = try String(contentsOfFile: TestData.path("latency/note10/192_lookup_table.yaml"), encoding: .utf8)
        try ("# profiled elsewhere\n" + text).write(toFile: single, atomically: true, encoding: .utf8)
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [192])
        let fromFile = try LatencyTable(contentsOf: single, for: space)
        let fromDirectory = try LatencyTable(contentsOf: TestData.path("latency/note10"), for: space)
        #expect(fromFile.format == .ofa && !fromFile.isDirectory && fromDirectory.isDirectory)
        let arch = space.largest(resolution: 192)
        #expect(try fromFile.predictEfficiency(arch) == fromDirectory.predictEfficiency(arch))

        let other = dir.appendingPathComponent("other.yaml").path
        try "Something-input:1:\n  mean: 1\n".write(toFile: other, atomically: true, encoding: .utf8)
        #expect {
            try LatencyTable(contentsOf: other, for: space)
        } throws: { ($0 as? PredictorError)?.description.hasPrefix(other + ": neither OFA keys") == true }
    }

    @Test func latencyTableRefusesMissingPaths() {
        #expect {
            try LatencyTable(contentsOf: "/nonexistent/lut.yaml", for: SpaceCatalog.space(named: "ofa-mbv3-w1.2"))
        } throws: { error in
            guard case let .unreadable(path, _) = error as? PredictorError else { return false }
            return path == "/nonexistent/lut.yaml"
        }
    }

    // MARK: MLP loading

    @Test(arguments: [
        ("{", "malformed JSON"),
        ("[]", "expected a JSON object"),
        (#"{"kind":"xgboost","layers":[]}"#, "'kind' is 'xgboost', expected 'mlp'"),
        (#"{"layers":[{"weight":[[1]],"bias":[0]}]}"#, "'layers' must be a list of at least two"),
        (#"{"layers":[{"weight":[[1,2]],"bias":[0]},{"weight":[[1]],"bias":[0]}]}"#, "layers[0].weight[0] must be a list of 128 numbers"),
    ])
    func mlpLoadErrorsNameTheFileAndField(json: String, message: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-\(getpid())-\(abs(json.hashValue)).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try MLPAccuracyPredictor(contentsOf: path)
        } throws: { error in
            let text = (error as? PredictorError)?.description ?? ""
            return text.hasPrefix(path) && text.contains(message)
        }
        #expect(throws: PredictorError.self) { try MLPAccuracyPredictor(contentsOf: path + ".absent") }
    }

    /// A small hand-made MLP: checks the layer plumbing (bias, ReLU, transposition) exactly.
    @Test func mlpForwardOnATinyNetwork() throws {
        // Layer 1 (128 -> 2): unit 0 counts kernel-7 ones, unit 1 is -1 + resolution slot 127.
        var w1 = [[Double]](repeating: Array(repeating: 0, count: 128), count: 2)
        for b in 0..<20 { w1[0][3 * b + 2] = 1 }
        w1[1][127] = 3
        let layers: [[String: Any]] = [
            ["weight": w1, "bias": [0.0, -1.0]],
            ["weight": [[0.5, 0.25]], "bias": [0.125]],
        ]
        let data = try JSONSerialization.data(withJSONObject: ["kind": "mlp", "layers": layers])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-mlp-\(getpid()).json").path
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mlp = try MLPAccuracyPredictor(contentsOf: path)
        #expect(mlp.layerSizes == [128, 2, 1])
        let a = try Self.arch(ks: 7, d: [2, 2, 2, 2, 2], r: 224)   // 10 kernel-7 blocks, slot 127
        let b = try Self.arch(ks: 3, r: 160)                        // no kernel 7, slot 123: unit 1 ReLU'd to 0
        let out = try mlp.predictAccuracy([a, b])
        #expect(out == [0.125 + 0.5 * 10 + 0.25 * 2, 0.125])
    }

    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func mlpIsSafeFromSeveralThreads() throws {
        let mlp = try MLPAccuracyPredictor(contentsOf: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json"))
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        var rng = SeededGenerator(seed: 21)
        let batches = (0..<8).map { _ in (0..<300).map { _ in space.sample(using: &rng) } }
        let expected = try batches.map { try mlp.predictAccuracy($0) }
        let results = Mutex<[[Double]]>(Array(repeating: [], count: batches.count))
        DispatchQueue.concurrentPerform(iterations: batches.count) { i in
            let r = (try? mlp.predictAccuracy(batches[i])) ?? []
            results.withLock { $0[i] = r }
        }
        #expect(results.withLock { $0 } == expected)
    }
}
