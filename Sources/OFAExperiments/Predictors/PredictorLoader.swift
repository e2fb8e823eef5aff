import Foundation
import OFACore
import OFAPredictors
import OFAEngine
import OFAEvaluators

/// Loads predictors from paths given on the command line or in a manifest, by looking at what
/// the path holds. The one place to extend when a new predictor format appears (an XGBoost model
/// directory).
///
/// ```swift
/// let accuracy = try PredictorLoader.accuracy(path: "../shared/ofa-data/predictors/ofa-tutorial-mlp-w1.2.json")
/// let latency = try PredictorLoader.latency(path: "../shared/ofa-data/latency/note10", space: space)
/// ```
public enum PredictorLoader {
    /// An accuracy predictor: a JSON file with `layers` is OFA's tutorial MLP; a directory with
    /// `provenance.json` is an XGBoost model (``XGBoostAccuracyPredictor``), which must cover
    /// `space` when one is given (``PredictorCatalog``'s rules, the same as in manifests); a yaml file with `kind: command` is an external
    /// evaluator (``EvaluatorAccuracyPredictor``).
    public static func accuracy(path: String, space: (any SearchSpace)? = nil) throws -> any AccuracyPredictor {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PredictorError.unreadable(path: path, reason: "no such file or directory")
        }
        if !isDirectory.boolValue, EvaluatorSpec.looksLikeSpec(path) {
            guard let space else { throw PredictorError.unsupported("an evaluator (\(path)) needs a space to measure in") }
            return try EvaluatorAccuracyPredictor(spec: try EvaluatorSpec(contentsOf: path), space: space)
        }
        if isDirectory.boolValue {
            guard FileManager.default.fileExists(atPath: path + "/" + XGBoostModel.provenanceFileName) else {
                throw PredictorError.malformed(path: path, reason: "a directory without \(XGBoostModel.provenanceFileName) is not an XGBoost model directory")
            }
            // The manifests' rules (PredictorCatalog): a model judges any space whose choices are
            // a subset of its own, at resolutions inside the range it saw.
            let model = try XGBoostModel(directory: path, kind: .accuracy)
            if let space { try PredictorCatalog.check(model, covers: space, reference: PredictorReference(kind: .xgboost, spelled: path, path: path)) }
            return try XGBoostAccuracyPredictor(model: model)
        }
        // Only a regular file can be peeked at: a named pipe is read once, by the MLP reader.
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFIFO { return try MLPAccuracyPredictor(contentsOf: path) }
        guard let head = FileHandle(forReadingAtPath: path).map({ h in defer { try? h.close() }; return h.readData(ofLength: 4096) }) else {
            throw PredictorError.unreadable(path: path, reason: "cannot open the file")
        }
        let text = String(decoding: head, as: UTF8.self)
        if text.drop(while: \.isWhitespace).first == "{", text.contains("\"layers\"") {
            return try MLPAccuracyPredictor(contentsOf: path)
        }
        throw PredictorError.malformed(path: path, reason: "not a known accuracy predictor (expected OFA's MLP json with a 'layers' key)")
    }

    /// A latency look-up table (OFA's per-resolution directory or nsganetv2's single yaml file),
    /// or an external evaluator's spec (a yaml file with `kind: command`).
    public static func latency(path: String, space: any SearchSpace) throws -> any EfficiencyPredictor {
        if EvaluatorSpec.looksLikeSpec(path) {
            return try EvaluatorLatencyPredictor(spec: try EvaluatorSpec(contentsOf: path), space: space)
        }
        let table = try LatencyTable(contentsOf: path, for: space)
        // A table profiled on another CPU is that CPU's latency: say so once (stderr).
        _ = ProfiledLatencyTable.warnIfProfiledElsewhere(path: path)
        return table
    }

    /// The analytic MACs counter for the space's network width.
    public static func macs(space: any SearchSpace) throws -> any EfficiencyPredictor {
        MACsPredictor(width: space.width)
    }
}
