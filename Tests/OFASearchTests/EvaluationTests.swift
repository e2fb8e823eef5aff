import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAExperiments

@Suite struct MetricsTests {
    @Test func kendallTauBMatchesHandComputedValues() {
        // Pairs of x=[1,2,2,3], y=[1,3,2,2]: 3 concordant, 1 discordant, 1 tied in x, 1 tied in y:
        // tau-b = (3 − 1) / √((6 − 1)(6 − 1)) = 0.4.
        #expect(abs(Metrics.kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]) - 0.4) < 1e-12)
        // No ties: 5 of 6 pairs concordant → (5 − 1) / 6.
        #expect(abs(Metrics.kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]) - 4.0 / 6.0) < 1e-12)
        // x with a triple tie: x=[1,1,1,2], y=[1,2,3,4]: S = 3, n1 = 3 → 3 / √(3·6).
        #expect(abs(Metrics.kendallTauB([1, 1, 1, 2], [1, 2, 3, 4]) - 3 / (18.0).squareRoot()) < 1e-12)
        #expect(Metrics.kendallTauB([1, 2, 3], [3, 2, 1]) == -1)
        #expect(Metrics.kendallTauB([1, 1, 1], [1, 2, 3]).isNaN)
    }

    @Test func spearmanAveragesTiedRanks() {
        #expect(Metrics.ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4])
        // ranks [1,2.5,2.5,4] and [1,4,2.5,2.5]: covariance 2.25 over variance 4.5 → 0.5.
        #expect(abs(Metrics.spearman([1, 2, 2, 3], [1, 3, 2, 2]) - 0.5) < 1e-12)
        #expect(abs(Metrics.spearman([1, 2, 3, 4], [10, 20, 30, 1000]) - 1) < 1e-12)
    }

    @Test func errorsAndShares() {
        #expect(abs(Metrics.rmse([1, 2, 3], [1, 2, 5]) - (4.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(Metrics.mae([1, 2, 3], [2, 2, 5]) - 1) < 1e-12)
        // 10.4 is within 5% of 10; 11 is within 10% but not 5%; 13 is neither.
        #expect(Metrics.shareWithin([10.4, 11, 13], [10, 10, 10], tolerance: 0.05) == 1.0 / 3)
        #expect(Metrics.shareWithin([10.4, 11, 13], [10, 10, 10], tolerance: 0.10) == 2.0 / 3)
        let report = RegressionReport(predicted: [1, 2, 3, 4], measured: [1, 3, 2, 4], resolutions: [128, 128, 224, 224], relativeShares: false)
        #expect(report.perResolution[128]?.count == 2 && report.perResolution[128]?.kendallTau == 1)
        #expect(report.perResolution[224]?.kendallTau == 1)
        #expect(report.within10 == nil)
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: 0x61, count: 1000))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

@Suite struct GroupedFoldsTests {
    @Test func repeatsOfOneCanonicalArchitectureShareAFold() throws {
        let space = OFASpace(width: .w1_0, resolutions: [128, 224])
        var rng = SeededGenerator(seed: 11)
        var archs = (0..<300).map { _ in space.sample(using: &rng) }
        // Repeat some, including through lists that differ only in skipped blocks.
        for i in stride(from: 0, to: 300, by: 7) {
            let a = archs[i]
            var ks = a.ks
            for u in 0..<5 where a.depth(unit: u) < 4 { ks[u * 4 + 3] = ks[u * 4 + 3] == 3 ? 7 : 3 }
            archs.append(try Architecture(ks: ks, e: a.e, d: a.d, r: a.resolution))
            archs.append(a)
        }
        let folds = GroupedFolds(archs, k: 5, seed: 3)
        var foldOf: [Architecture: Int] = [:]
        for (i, a) in archs.enumerated() {
            if let f = foldOf[a] { #expect(f == folds.foldOfRow[i], "architecture \(a) straddles folds") } else { foldOf[a] = folds.foldOfRow[i] }
        }
        // Groups are dealt evenly: 300 unique architectures → 60 per fold.
        var groupsPerFold = [Int](repeating: 0, count: 5)
        for f in foldOf.values { groupsPerFold[f] += 1 }
        #expect(groupsPerFold == [60, 60, 60, 60, 60])
        // Same seed, same folds; another seed, other folds.
        #expect(GroupedFolds(archs, k: 5, seed: 3).foldOfRow == folds.foldOfRow)
        #expect(GroupedFolds(archs, k: 5, seed: 4).foldOfRow != folds.foldOfRow)
        let (train, test) = folds.split(2)
        #expect(train.count + test.count == archs.count && Set(train).isDisjoint(with: test))
    }
}

@Suite struct MeasurementSetTests {
    static func setting(_ ks: [Int], _ e: [Int], _ d: [Int], _ r: Int) -> String {
        // The text Python's json.dumps gives for {**net_setting, "image_size": r}.
        "{\"wid\": null, \"ks\": \(ks), \"e\": \(e), \"d\": \(d), \"image_size\": \(r)}"
    }

    static func escaped(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "\\\"") }

    @Test func readsOFAAccuracyDatasetLayouts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-accds-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/src", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ks1 = Array(repeating: 3, count: 20), e1 = Array(repeating: 4, count: 20)
        let ks2 = Array(repeating: 7, count: 20), e2 = Array(repeating: 6, count: 20)
        let ids = [Self.setting(ks1, e1, [2, 2, 2, 2, 2], 0), Self.setting(ks2, e2, [4, 3, 4, 3, 4], 0)]
        try ("[\n    \"" + ids.map(Self.escaped).joined(separator: "\",\n    \"") + "\"\n]").write(toFile: dir + "/net_id.dict", atomically: true, encoding: .utf8)
        for (r, accs) in [(160, [70.25, 74.5]), (224, [73.0, 77.75])] {
            let entries = zip([(ks1, e1, [2, 2, 2, 2, 2]), (ks2, e2, [4, 3, 4, 3, 4])], accs).map { arch, acc in
                "    \"\(Self.escaped(Self.setting(arch.0, arch.1, arch.2, r)))\": \(acc)"
            }
            try ("{\n" + entries.joined(separator: ",\n") + "\n}").write(toFile: dir + "/src/\(r).dict", atomically: true, encoding: .utf8)
        }
        let set = try MeasurementSet.load(path: dir, target: "top1")
        #expect(set.rows.count == 4)
        #expect(set.sources.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["160.dict", "224.dict"])
        #expect(set.rows.map(\.arch.resolution) == [160, 160, 224, 224])
        #expect(set.rows.map(\.value) == [70.25, 74.5, 73.0, 77.75])
        let big = try Architecture(ks: ks2, e: e2, d: [4, 3, 4, 3, 4], r: 224)
        #expect(set.rows[3].arch == big)
        // A merged acc.dict takes precedence over src/.
        try String(contentsOfFile: dir + "/src/224.dict", encoding: .utf8).write(toFile: dir + "/acc.dict", atomically: true, encoding: .utf8)
        let merged = try MeasurementSet.load(path: dir, target: "top1")
        #expect(merged.rows.count == 2 && merged.rows.allSatisfy { $0.arch.resolution == 224 })
        #expect(merged.sources[0].sha256.count == 64)
        // Latency targets cannot come from an accuracy dataset.
        #expect(throws: JSONInputError.self) { try MeasurementSet.load(path: dir, target: "latency_ms.v100_1") }
    }

    @Test func jsonLinesErrorsNameFileLineAndKey() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-ml-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ks = Array(repeating: 5, count: 20), e = Array(repeating: 3, count: 20)
        try """
        {"ks":\(ks),"e":\(e),"d":[2,2,2,2,2],"r":160,"latency_ms":{"v100_1":10.5}}
        {"ks":\(ks),"e":\(e),"d":[2,2,2,2,2],"r":164,"latency_ms":{"v100_32":11.5}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: JSONInputError.at(source: path, line: 2, reason: "missing key 'latency_ms.v100_1'")) {
            try MeasurementSet.load(path: path, target: "latency_ms.v100_1")
        }
        #expect(throws: JSONInputError.at(source: path, line: 1, reason: "missing key 'latency_ms.v100_32'")) {
            try MeasurementSet.load(path: path, target: "latency_ms.v100_32")
        }
    }
}
