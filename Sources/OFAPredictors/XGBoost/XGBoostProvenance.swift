import Foundation
import OFACore

/// What a model directory records about how its model was made (`provenance.json`): the data
/// (paths, row counts, sha256), the space and feature encoding, the target and its transform,
/// the hyper-parameters, the resolutions seen, the cross-validation results and the library
/// version. Loading a model checks it against the model file and the space it is used in.
public struct XGBoostProvenance: Codable, Sendable, Equatable {
    public static let currentFormat = "ofasearch-xgboost-model/1"

    public enum Kind: String, Codable, Sendable {
        /// ImageNet top-1, in % as measured (the predictor returns a fraction).
        case accuracy
        /// Latency in ms.
        case latency
    }

    public struct DataFile: Codable, Sendable, Equatable {
        public var path: String
        public var rows: Int
        public var sha256: String
    }

    /// How the measured value becomes the regression target and back.
    public struct TargetTransform: Codable, Sendable, Equatable {
        /// Regress on log(value) (latency: relative errors matter).
        public var log: Bool
        /// Per-resolution mean of the (possibly logged) training target, subtracted before
        /// fitting and added back after: the trees then split on the architecture first, sharing
        /// what they learn across resolutions. Keys are resolutions as strings; empty when off.
        public var resolutionOffsets: [String: Double]

        public init(log: Bool, resolutionOffsets: [String: Double]) {
            self.log = log
            self.resolutionOffsets = resolutionOffsets
        }

        public func offset(resolution: Int) -> Double { resolutionOffsets[String(resolution)] ?? 0 }

        /// sha256 of the transform in a canonical form (`log=…` then `resolution=bits` with each
        /// offset's IEEE 754 bits in hex, resolutions ascending): recorded beside it, so an
        /// offset edited by hand (a plausible 40 for 75) is caught, not only an impossible one.
        public var checksum: String {
            let offsets = resolutionOffsets.sorted { (Int($0.key) ?? 0, $0.key) < (Int($1.key) ?? 0, $1.key) }
                .map { "\($0.key)=\(String($0.value.bitPattern, radix: 16))" }
            return SHA256.hex(Data((["log=\(log)"] + offsets).joined(separator: "|").utf8))
        }
    }

    /// The cross-validation's pooled metrics, rounded, and per resolution Kendall tau and RMSE,
    /// written flat: `{"rmse", "mae", "kendall_tau", "spearman", ["within_5pct", "within_10pct"],
    /// "per_resolution"}`. The pooled ones read as its own (`metrics.rmse`).
    @dynamicMemberLookup
    public struct Metrics: Codable, Sendable, Equatable {
        public var pooled: RegressionMetrics
        /// Per resolution (keys are resolutions as strings): Kendall tau and RMSE.
        public var perResolution: [String: ResolutionMetrics]

        enum CodingKeys: String, CodingKey { case perResolution = "per_resolution" }

        public init(_ r: RegressionReport) {
            pooled = r.pooled.rounded
            perResolution = Dictionary(uniqueKeysWithValues: r.perResolution.map { key, g in
                (String(key), ResolutionMetrics(count: g.count, rmse: RegressionReport.round(g.rmse),
                                                 kendallTau: RegressionReport.round(g.kendallTau)))
            })
        }

        public init(from decoder: any Decoder) throws {
            pooled = try RegressionMetrics(from: decoder)
            perResolution = try decoder.container(keyedBy: CodingKeys.self).decode([String: ResolutionMetrics].self, forKey: .perResolution)
        }

        public func encode(to encoder: any Encoder) throws {
            try pooled.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(perResolution, forKey: .perResolution)
        }

        public subscript<T>(dynamicMember metric: KeyPath<RegressionMetrics, T>) -> T { pooled[keyPath: metric] }
    }

    public struct ResolutionMetrics: Codable, Sendable, Equatable {
        public var count: Int
        public var rmse: Double
        public var kendallTau: Double
        enum CodingKeys: String, CodingKey { case count, rmse, kendallTau = "kendall_tau" }
    }

    /// One hyper-parameter setting tried during selection, with its CV result.
    public struct Trial: Codable, Sendable, Equatable {
        public var parameters: XGBoostHyperParameters
        public var rmse: Double
        public var minResolutionTau: Double
        public var within10: Double?
        enum CodingKeys: String, CodingKey {
            case parameters, rmse, minResolutionTau = "min_resolution_kendall_tau", within10 = "within_10pct"
        }
    }

    public struct CrossValidation: Codable, Sendable, Equatable {
        public var folds: Int
        public var seed: UInt64
        public var grouping: String
        public var selection: String
        public var metrics: Metrics
        public var trials: [Trial]
    }

    /// Reads a provenance written by ``encoded()``.
    public static func decode(_ data: Data) throws -> XGBoostProvenance {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(XGBoostProvenance.self, from: data)
    }

    public var format: String
    public var kind: Kind
    public var space: String
    public var target: String
    public var unit: String
    public var featureEncoding: String
    public var featureCount: Int
    public var targetTransform: TargetTransform
    public var parameters: XGBoostHyperParameters
    public var threads: Int
    public var resolutions: [Int]
    public var rows: Int
    public var uniqueArchitectures: Int
    public var data: [DataFile]
    public var crossValidation: CrossValidation?
    public var modelFile: String
    public var modelSHA256: String
    /// ``TargetTransform/checksum`` of `targetTransform`, written with the model.
    public var targetTransformSHA256: String?
    public var xgboostVersion: String
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case format, kind, space, target, unit, featureEncoding = "feature_encoding", featureCount = "feature_count"
        case targetTransform = "target_transform", parameters, threads, resolutions, rows
        case uniqueArchitectures = "unique_architectures", data, crossValidation = "cross_validation"
        case modelFile = "model_file", modelSHA256 = "model_sha256", xgboostVersion = "xgboost_version", notes
        case targetTransformSHA256 = "target_transform_sha256"
    }

    /// Deterministic JSON (sorted keys, pretty-printed). An undefined metric (e.g. tau of a
    /// constant) is written as the string "nan".
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}

/// XGBoost hyper-parameters of a gradient-boosted tree regressor.
public struct XGBoostHyperParameters: Codable, Sendable, Hashable, CustomStringConvertible {
    public var rounds: Int
    public var eta: Double
    public var maxDepth: Int
    public var subsample: Double
    public var colsampleByTree: Double
    public var minChildWeight: Double
    public var lambda: Double
    public var alpha: Double
    public var treeMethod: String

    enum CodingKeys: String, CodingKey {
        case rounds, eta, maxDepth = "max_depth", subsample, colsampleByTree = "colsample_bytree"
        case minChildWeight = "min_child_weight", lambda, alpha, treeMethod = "tree_method"
    }

    public init(rounds: Int = 1000, eta: Double = 0.05, maxDepth: Int = 4, subsample: Double = 0.8,
                colsampleByTree: Double = 0.5, minChildWeight: Double = 1, lambda: Double = 1, alpha: Double = 0,
                treeMethod: String = "exact") {
        self.rounds = rounds; self.eta = eta; self.maxDepth = maxDepth; self.subsample = subsample
        self.colsampleByTree = colsampleByTree; self.minChildWeight = minChildWeight
        self.lambda = lambda; self.alpha = alpha; self.treeMethod = treeMethod
    }

    /// XGBoost learner parameters, in a fixed order.
    public func learnerParameters(threads: Int, seed: UInt64) -> [(String, String)] {
        [("objective", "reg:squarederror"), ("booster", "gbtree"), ("tree_method", treeMethod),
         ("eta", "\(eta)"), ("max_depth", "\(maxDepth)"), ("subsample", "\(subsample)"),
         ("colsample_bytree", "\(colsampleByTree)"), ("min_child_weight", "\(minChildWeight)"),
         ("lambda", "\(lambda)"), ("alpha", "\(alpha)"), ("nthread", "\(threads)"), ("seed", "\(seed)"),
         ("verbosity", "0")]
    }

    public var description: String {
        "rounds=\(rounds) eta=\(eta) max_depth=\(maxDepth) subsample=\(subsample) colsample_bytree=\(colsampleByTree) min_child_weight=\(minChildWeight) lambda=\(lambda) alpha=\(alpha)"
    }
}
