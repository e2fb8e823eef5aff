import Foundation
import Testing
@testable import OFACore
@testable import OFAXGBoost
@testable import OFAPredictors
@testable import OFAExperiments
import OFATestSupport

/// The XGBoost models committed under predictors/ (retrained by `make predictors`).
@Suite struct DefaultPredictorTests {
    static let accuracyModels = ["ofa-mbv3-w1.0-top1", "compofa-elastic-mbv3-w1.0-top1"]
    static let latencyModels = ["help-v100_1-latency", "help-v100_32-latency", "help-v100_64-latency"]
    static func directory(_ name: String) -> String { TestData.packageRoot + "/predictors/" + name }

    @Test(arguments: accuracyModels + latencyModels)
    func committedModelLoadsInItsSpace(_ name: String) throws {
        let model = try XGBoostModel(directory: Self.directory(name))
        #expect(try model.booster.featureCount == model.encoding.count)
        #expect(model.provenance.crossValidation?.folds == 5)
        #expect(model.provenance.xgboostVersion == XGBoostLibrary.version)
        let modelData = try Data(contentsOf: URL(fileURLWithPath: Self.directory(name) + "/" + model.provenance.modelFile))
        #expect(SHA256.hex(modelData) == model.provenance.modelSHA256)
        #expect(modelData.count < 6_000_000, "keep committed models small")
        // Bigger subnets cost more and (for accuracy) score higher, at every trained resolution.
        for r in [model.resolutions.first!, model.resolutions.last!] {
            let p = try model.predict([model.space.smallest(resolution: model.space.resolutions[0]).with(resolution: r),
                                       model.space.largest(resolution: model.space.resolutions[0]).with(resolution: r)])
            #expect(p[0] < p[1], "\(name) at r\(r): smallest \(p[0]) vs largest \(p[1])")
        }
    }

    /// A committed provenance read and written again is the same bytes (the cross-validation
    /// metrics, pooled and per resolution, keep their flat JSON form).
    @Test(arguments: accuracyModels + latencyModels)
    func committedProvenanceRoundTripsByteForByte(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory(name) + "/provenance.json"))
        let provenance = try XGBoostProvenance.decode(data)
        #expect(try provenance.encoded() == data, "\(name)")
        #expect(try XGBoostProvenance.decode(provenance.encoded()) == provenance)
    }

    @Test func accuracyPredictorsReturnFractions() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        let predictor = try XGBoostAccuracyPredictor(directory: Self.directory("ofa-mbv3-w1.0-top1"), space: space)
        var rng = SeededGenerator(seed: 2)
        let archs = (0..<64).map { _ in space.sample(using: &rng) }   // resolutions 128...224 step 4: most interpolated
        let accs = try predictor.predictAccuracy(archs)
        #expect(accs.allSatisfy { (0.60...0.80).contains($0) }, "\(accs.min()!)...\(accs.max()!)")
        let latency = try XGBoostLatencyPredictor(directory: Self.directory("help-v100_64-latency"), space: space,
                                                  options: .init(allowWidthMismatch: true))
        #expect(try latency.predictEfficiency(archs).allSatisfy { $0 > 1 && $0 < 100 })
        #expect(throws: XGBoostError.self) { try XGBoostLatencyPredictor(directory: Self.directory("help-v100_64-latency"), space: space) }
    }

    /// On its own training data a model must fit at least as well as it did in cross-validation,
    /// and the data must be the data it was trained on (same sha256).
    @Test(.enabled(if: TestData.available, TestData.skipReason), arguments: accuracyModels + latencyModels)
    func modelFitsItsTrainingDataAsRecorded(_ name: String) throws {
        let model = try XGBoostModel(directory: Self.directory(name))
        let p = model.provenance
        var sets: [MeasurementSet] = []
        for file in p.data {
            let path = file.path.hasPrefix("/") ? file.path : TestData.packageRoot + "/" + file.path
            let set = try MeasurementSet.load(path: path, target: p.target)
            #expect(set.sources[0].sha256 == file.sha256, "\(file.path) changed since \(name) was trained: run make predictors")
            #expect(set.rows.count == file.rows)
            sets.append(set)
        }
        let data = MeasurementSet.merged(sets)
        let predicted = try model.predict(data.archs)
        let fit = RegressionReport(predicted: predicted, measured: data.values, resolutions: data.archs.map(\.resolution),
                                   relativeShares: p.kind == .latency)
        let cv = try #require(p.crossValidation).metrics
        #expect(fit.rmse <= cv.rmse && fit.rmse > 0, "\(name): training rmse \(fit.rmse) vs CV \(cv.rmse)")
        let cvMinTau = cv.perResolution.values.map(\.kendallTau).min()!
        #expect(fit.minimumResolutionTau >= cvMinTau - 0.01, "\(name): tau \(fit.minimumResolutionTau) vs CV \(cvMinTau)")
        if let w10 = cv.within10 { #expect(fit.within10! >= w10 - 0.005) }
    }

    /// Re-running the chosen setting's grouped CV reproduces the recorded metrics (CompOFA: the
    /// smallest data set, a few seconds).
    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func crossValidationReproducesTheRecordedMetrics() throws {
        let model = try XGBoostModel(directory: Self.directory("compofa-elastic-mbv3-w1.0-top1"))
        let p = model.provenance
        let data = try MeasurementSet.load(path: TestData.packageRoot + "/" + p.data[0].path, target: p.target)
        var trainer = XGBoostTrainer(kind: p.kind, space: model.space, encoding: model.encoding, grid: [p.parameters])
        trainer.threads = p.threads
        let predicted = try trainer.crossValidate(data, parameters: p.parameters, checkpoints: [p.parameters.rounds])[p.parameters.rounds]!
        let report = RegressionReport(predicted: predicted, measured: data.values, resolutions: data.archs.map(\.resolution), relativeShares: false)
        let cv = try #require(p.crossValidation).metrics
        #expect(abs(report.rmse - cv.rmse) < 1e-4, "rmse \(report.rmse) vs recorded \(cv.rmse)")
        for (r, g) in report.perResolution {
            #expect(abs(g.kendallTau - cv.perResolution[String(r)]!.kendallTau) < 1e-4)
        }
    }

    /// The recorded cross-validation keeps the figures docs/xgboost.md reports: the issue's
    /// targets for batch 1 (≥ 90% within ±10%) and batch 64 (≥ 99%); batch 32 reaches 96%, short
    /// of the 99% target (its small-resolution measurements are as noisy as batch 1's).
    @Test func recordedCrossValidationKeepsLatencyFigures() throws {
        for (name, share) in [("help-v100_1-latency", 0.90), ("help-v100_32-latency", 0.95), ("help-v100_64-latency", 0.99)] {
            let cv = try #require(try XGBoostModel(directory: Self.directory(name)).provenance.crossValidation)
            #expect(cv.metrics.within10! >= share, "\(name): ±10% share \(cv.metrics.within10!)")
        }
    }
}

extension Architecture {
    fileprivate func with(resolution r: Int) -> Architecture { var a = self; a.resolution = r; return a }
}
