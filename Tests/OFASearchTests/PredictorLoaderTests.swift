import Foundation
import Testing
import OFASearch
import OFATestSupport

/// `PredictorLoader.accuracy` recognises what a path holds (MLP json, XGBoost model directory) and
/// refuses everything else with an error naming the path; none of this needs ../shared.
struct PredictorLoaderTests {
    let modelDirectory = TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1"

    @Test func xgboostModelDirectoryIsAnAccuracyPredictor() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        let loaded = try PredictorLoader.accuracy(path: modelDirectory, space: space)
        let direct = try XGBoostAccuracyPredictor(directory: modelDirectory, space: space)
        var rng = SeededGenerator(seed: 7)
        let archs = (0..<20).map { _ in space.sample(using: &rng) }
        let a = try loaded.predictAccuracy(archs), b = try direct.predictAccuracy(archs)
        #expect(a == b)
        #expect(a.allSatisfy { $0 > 0.5 && $0 < 0.9 })
    }

    @Test func xgboostModelOfAnotherSpaceIsRefused() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        #expect(throws: (any Error).self) { try PredictorLoader.accuracy(path: modelDirectory, space: space) }
        do { _ = try PredictorLoader.accuracy(path: modelDirectory, space: space) } catch {
            #expect("\(error)".contains("ofa-mbv3-w1.0"))
        }
    }

    @Test func directoryWithoutProvenanceIsRefusedByName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try PredictorLoader.accuracy(path: dir)
            Issue.record("a plain directory was accepted")
        } catch {
            #expect("\(error)".contains(dir))
            #expect("\(error)".contains("provenance.json"))
        }
    }

    /// A corrupt or truncated model.ubj gives one line naming the file, without XGBoost's native
    /// stack trace.
    @Test(arguments: ["junk\n", "truncated"])
    func corruptModelFileIsOneLineNamingTheFile(content: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(getpid())-\(content.count)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: modelDirectory + "/provenance.json", toPath: dir + "/provenance.json")
        var model = Data(content.utf8)
        if content == "truncated" { model = try Data(contentsOf: URL(fileURLWithPath: modelDirectory + "/model.ubj")).prefix(50_000) }
        try model.write(to: URL(fileURLWithPath: dir + "/model.ubj"))
        do {
            _ = try PredictorLoader.accuracy(path: dir)
            Issue.record("a corrupt model was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains(dir + "/model.ubj"))
            #expect(!text.contains("\n"), "the error is one line: \(text)")
        }
    }
}
