import Foundation

/// Loads predictors from paths given on the command line or in a manifest, by looking at what
/// the path holds. The one place to extend when a new predictor format appears (an XGBoost model
/// directory).
///
/// ```swift
/// let accuracy = try PredictorLoader.accuracy(path: "../shared/ofa-data/predictors/ofa-tutorial-mlp-w1.2.json")
/// let latency = try PredictorLoader.latency(path: "../shared/ofa-data/latency/note10", space: space)
/// ```
public enum PredictorLoader {
    /// An accuracy predictor: a JSON file with `layers` is OFA's tutorial MLP.
    public static func accuracy(path: String) throws -> any AccuracyPredictor {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PredictorError.unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            throw PredictorError.unsupported("\(path): model directories (XGBoost) are not supported by this build; give OFA's MLP json")
        }
        guard let head = FileHandle(forReadingAtPath: path).map({ h in defer { try? h.close() }; return h.readData(ofLength: 4096) }) else {
            throw PredictorError.unreadable(path: path, reason: "cannot open the file")
        }
        let text = String(decoding: head, as: UTF8.self)
        if text.drop(while: \.isWhitespace).first == "{", text.contains("\"layers\"") {
            return try MLPAccuracyPredictor(contentsOf: path)
        }
        throw PredictorError.malformed(path: path, reason: "not a known accuracy predictor (expected OFA's MLP json with a 'layers' key)")
    }

    /// A latency look-up table: OFA's per-resolution directory or nsganetv2's single yaml file.
    public static func latency(path: String, space: any SearchSpace) throws -> any EfficiencyPredictor {
        try LatencyTable(contentsOf: path, for: space)
    }

    /// The analytic MACs counter for the space's network width.
    public static func macs(space: any SearchSpace) throws -> any EfficiencyPredictor {
        MACsPredictor(width: space.width)
    }
}
