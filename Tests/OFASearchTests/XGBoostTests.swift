import Foundation
import Testing
@testable import OFACore
@testable import OFAXGBoost
@testable import OFAPredictors
@testable import OFAExperiments

private func temporaryDirectory(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-\(name)-\(getpid())").path
    try? FileManager.default.removeItem(atPath: dir)
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct BoosterTests {
    /// y = 2·x0 − x1 + x2² on a deterministic grid.
    static func synthetic(rows: Int) -> (x: [Float], y: [Float]) {
        var rng = SeededGenerator(seed: 5)
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<rows {
            let a = Float(rng.nextUnit()), b = Float(rng.nextUnit()), c = Float(rng.nextUnit())
            x += [a, b, c]; y.append(2 * a - b + c * c)
        }
        return (x, y)
    }

    @Test func trainSaveLoadPredictRoundTrip() async throws {
        let (x, y) = Self.synthetic(rows: 400)
        let train = try DMatrix(values: x, rows: 400, columns: 3, labels: y)
        let booster = try Booster.train(on: train, parameters: [("max_depth", "3"), ("eta", "0.3"), ("nthread", "1"), ("seed", "0")], rounds: 30)
        #expect(try booster.featureCount == 3)
        #expect(try booster.boostedRounds == 30)
        let p = try booster.predict(values: x, rows: 400, columns: 3)
        #expect(Metrics.rmse(p.map(Double.init), y.map(Double.init)) < 0.1)
        let dir = temporaryDirectory("booster")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for file in ["m.ubj", "m.json"] {
            try booster.save(to: dir + "/" + file)
            let loaded = try Booster(contentsOf: dir + "/" + file, threads: 1)
            #expect(try loaded.predict(values: x, rows: 400, columns: 3) == p, "\(file)")
        }
        #expect(try String(contentsOfFile: dir + "/m.json", encoding: .utf8).hasPrefix("{"))
        // Fewer rounds give another (worse) fit.
        let early = try booster.predict(values: x, rows: 400, columns: 3, iterationEnd: 2)
        #expect(early != p)
        // Predicting from several threads at once gives the same values (per-thread buffers).
        let results = try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<8 { group.addTask { try booster.predict(values: x, rows: 400, columns: 3) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8 && results.allSatisfy { $0 == p })
    }

    @Test func badInputsBecomeErrors() throws {
        #expect(throws: XGBoostError.self) { try DMatrix(values: [1, 2, 3], rows: 2, columns: 2) }
        let (x, y) = Self.synthetic(rows: 50)
        let booster = try Booster.train(on: try DMatrix(values: x, rows: 50, columns: 3, labels: y),
                                        parameters: [("nthread", "1")], rounds: 2)
        #expect(throws: XGBoostError.self) { try booster.predict(values: [1, 2], rows: 1, columns: 3) }
        // Wrong column count reaches the library, whose message comes back as an error.
        let error = #expect(throws: XGBoostError.self) { try booster.predict(values: [1, 2, 3, 4], rows: 1, columns: 4) }
        if case let .library(call, message) = error {
            #expect(call == "XGBoosterPredictFromDense" && !message.isEmpty)
        } else {
            Issue.record("expected a library error, got \(String(describing: error))")
        }
        let dir = temporaryDirectory("garbage")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a model".write(toFile: dir + "/m.ubj", atomically: true, encoding: .utf8)
        #expect(throws: XGBoostError.self) { try Booster(contentsOf: dir + "/m.ubj") }
        #expect(throws: XGBoostError.self) { try Booster(contentsOf: dir + "/missing.ubj") }
        #expect(XGBoostLibrary.version.hasPrefix("1."))
    }
}

@Suite struct XGBoostModelTests {
    static let space = OFASpace(width: .w1_0, resolutions: Array(stride(from: 128, through: 224, by: 4)))

    /// A small accuracy model trained on synthetic "measurements" at resolutions 128 and 160.
    static func trainedModel(_ name: String) throws -> String {
        var rng = SeededGenerator(seed: 9)
        var rows: [MeasuredArchitecture] = []
        for r in [128, 160] {
            let narrow = OFASpace(width: .w1_0, resolutions: [r])
            for _ in 0..<150 {
                let a = narrow.sample(using: &rng)
                let size = (0..<20).reduce(0.0) { $0 + Double(a.kernelSize(block: $1) * a.expandRatio(block: $1)) }
                rows.append(MeasuredArchitecture(arch: a, value: 60 + Double(r) / 32 + size / 100))
            }
        }
        let data = MeasurementSet(target: "top1", rows: rows, sources: [])
        var trainer = XGBoostTrainer(kind: .accuracy, space: space,
                                     grid: [XGBoostHyperParameters(rounds: 40, eta: 0.2, maxDepth: 3)])
        trainer.folds = 3
        trainer.roundFractions = [1]
        let dir = temporaryDirectory(name)
        try trainer.train(data, to: dir)
        return dir
    }

    @Test func unseenResolutionsInterpolateAndOutOfRangeIsAnError() throws {
        let dir = try Self.trainedModel("interp")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = try XGBoostModel(directory: dir, space: Self.space)
        #expect(model.resolutions == [128, 160])
        var rng = SeededGenerator(seed: 1)
        let base = Self.space.sample(using: &rng)
        func at(_ r: Int) -> Architecture { var a = base; a.resolution = r; return a }
        let p = try model.predict([at(128), at(160), at(136), at(144)])
        #expect(abs(p[2] - (0.75 * p[0] + 0.25 * p[1])) < 1e-9)
        #expect(abs(p[3] - (p[0] + p[1]) / 2) < 1e-9)
        #expect(p[0] != p[1])
        #expect(throws: XGBoostError.resolutionOutOfRange(resolution: 224, seen: [128, 160], model: dir)) {
            try model.predict([at(224)])
        }
        #expect(throws: XGBoostError.self) { try model.predict([at(124)]) }
        let loose = try XGBoostModel(directory: dir, space: Self.space, options: .init(allowExtrapolation: true))
        let q = try loose.predict([at(192)])
        #expect(abs(q[0] - (p[1] + (p[1] - p[0]))) < 1e-9)
        // The accuracy predictor answers fractions.
        let predictor = try XGBoostAccuracyPredictor(model: model)
        #expect(abs(try predictor.predictAccuracy([at(128)])[0] - p[0] / 100) < 1e-12)
        // Architectures outside the space's choices are refused.
        let compofa = try SpaceCatalog.space(named: "compofa-mbv3-w1.0")
        var outside = base
        outside.setBlock(0, kernel: 9, expand: 6)
        #expect(throws: SpaceError.self) { try model.predict([outside]) }
        _ = compofa
    }

    @Test func provenanceMismatchesAreRefused() throws {
        let dir = try Self.trainedModel("mismatch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Wrong space.
        let compofa = try SpaceCatalog.space(named: "compofa-elastic-mbv3-w1.0")
        #expect(throws: XGBoostError.self) { try XGBoostModel(directory: dir, space: compofa) }
        // Another width needs an explicit opt-in.
        let wide = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        #expect(throws: XGBoostError.self) { try XGBoostModel(directory: dir, space: wide) }
        #expect(try XGBoostModel(directory: dir, space: wide, options: .init(allowWidthMismatch: true)).space.name == "ofa-mbv3-w1.2")
        // Wrong kind.
        #expect(throws: XGBoostError.self) { try XGBoostLatencyPredictor(directory: dir) }
        // Edited provenance: another encoding, another feature count, an unknown encoding.
        let path = dir + "/provenance.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        defer { try? original.write(toFile: path, atomically: true, encoding: .utf8) }
        for (from, to) in [("\"ordinal+units/w1.0/v1\"", "\"ordinal/w1.0/v1\""), ("\"feature_count\" : 68", "\"feature_count\" : 46"),
                           ("\"ordinal+units/w1.0/v1\"", "\"onehot/w1.0/v1\""), ("\"ordinal+units/w1.0/v1\"", "\"ordinal+units/w1.0/v9\"")] {
            #expect(original.contains(from))
            try original.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: XGBoostError.self, "\(to)") { try XGBoostModel(directory: dir, space: Self.space) }
        }
        try original.replacingOccurrences(of: "\"feature_count\"", with: "\"feature_cnt\"").write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: XGBoostError.self) { try XGBoostModel(directory: dir) }
        #expect(String(describing: error).contains("feature_count"))
    }

    @Test func trainingIsDeterministic() throws {
        let a = try Self.trainedModel("det-a"), b = try Self.trainedModel("det-b")
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        let ma = try Data(contentsOf: URL(fileURLWithPath: a + "/model.ubj"))
        let mb = try Data(contentsOf: URL(fileURLWithPath: b + "/model.ubj"))
        #expect(ma == mb)
        let provenance = try XGBoostProvenance.decode(Data(contentsOf: URL(fileURLWithPath: a + "/provenance.json")))
        #expect(provenance.modelSHA256 == SHA256.hex(ma))
        #expect(provenance.crossValidation?.folds == 3)
        #expect(provenance.featureEncoding == "ordinal+units/w1.0/v1")
    }

    @Test func featureEncodingLayout() throws {
        let a = try Architecture(ks: Array(repeating: 7, count: 20), e: Array(repeating: 6, count: 20), d: [2, 3, 4, 4, 4], r: 224)
        let enc = FeatureEncoding(kind: .unitSums, width: .w1_0)
        let x = enc.encode([a])
        #expect(x.count == 68 && enc.featureNames.count == 68)
        #expect(x[0] == 7 && x[2] == 0 && x[20] == 6 && x[22] == 0)   // block 2 of unit 0 skipped
        #expect(Array(x[40..<46]) == [2, 3, 4, 4, 4, 224])
        #expect(x[46] == 2 * 49 * 6 && x[47] == 12 && x[48] == 14)
        #expect(x[61] == 17)
        #expect(x[67] > x[62] + x[63] + x[64] + x[65] + x[66])
        #expect(try FeatureEncoding(name: enc.name) == enc)
        #expect(FeatureEncoding(kind: .ordinal, width: .w1_2).encode([a]).count == 46)
    }
}
