import Foundation
import OFACore
import OFAPredictors
import OFAEngine
import OFAEvaluators

/// Loads predictors from paths given on the command line, by looking at what the path holds:
/// it names the kind (a ``PredictorReference``) and loads it through the factory manifests use
/// (``PredictorCatalog``), with the same compatibility checks.
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
            guard space != nil else { throw PredictorError.unsupported("an evaluator (\(path)) needs a space to measure in") }
            return try load(.command, path, space: space)
        }
        if isDirectory.boolValue {
            guard FileManager.default.fileExists(atPath: path + "/" + XGBoostModel.provenanceFileName) else {
                throw PredictorError.malformed(path: path, reason: "a directory without \(XGBoostModel.provenanceFileName) is not an XGBoost model directory")
            }
            // The manifests' rules (PredictorCatalog): a model judges any space whose choices are
            // a subset of its own, at resolutions inside the range it saw.
            return try load(.xgboost, path, space: space)
        }
        // Only a regular file can be peeked at: a named pipe is read once, by the MLP reader.
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFIFO { return try load(.mlp, path, space: space) }
        guard let head = FileHandle(forReadingAtPath: path).map({ h in defer { try? h.close() }; return h.readData(ofLength: 4096) }) else {
            throw PredictorError.unreadable(path: path, reason: "cannot open the file")
        }
        let text = String(decoding: head, as: UTF8.self)
        if text.drop(while: \.isWhitespace).first == "{", text.contains("\"layers\"") {
            return try load(.mlp, path, space: space)
        }
        throw PredictorError.malformed(path: path, reason: "not a known accuracy predictor (expected OFA's MLP json with a 'layers' key)")
    }

    private static func load(_ kind: PredictorReference.Kind, _ path: String, space: (any SearchSpace)?) throws -> any AccuracyPredictor {
        try PredictorCatalog.makeAccuracyPredictor(PredictorReference(kind: kind, spelled: path, path: path), space: space,
                                                   evaluator: { try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: path)) })
    }

    /// A latency look-up table (OFA's per-resolution directory or nsganetv2's single yaml file),
    /// or an external evaluator's spec (a yaml file with `kind: command`).
    public static func latency(path: String, space: any SearchSpace) throws -> any EfficiencyPredictor {
        let reference = PredictorReference(kind: EvaluatorSpec.looksLikeSpec(path) ? .command : .lut, spelled: path, path: path)
        return try PredictorCatalog.makeEfficiencyPredictor(reference, space: space,
                                                            evaluator: { try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: path)) })
    }

    /// The analytic MACs counter for the space's network width.
    public static func macs(space: any SearchSpace) throws -> any EfficiencyPredictor {
        try PredictorCatalog.makeEfficiencyPredictor(PredictorReference(kind: .macs, spelled: "macs"), space: space,
                                                     evaluator: { throw PredictorError.unsupported("no evaluator") })
    }
}
