import Foundation
import OFACore
import OFAXGBoost

/// A trained XGBoost predictor: booster, feature encoding, target transform and provenance,
/// loaded from (or written to) a model directory holding `model.ubj` and `provenance.json`.
///
/// Predictions are in the measured unit (top-1 in %, latency in ms). A resolution the model saw
/// in training is predicted directly; one between two seen resolutions is the linear
/// interpolation of the predictions at those two; one outside the seen range is an error
/// unless ``Options/allowExtrapolation`` is set (then the two nearest seen resolutions are
/// extrapolated linearly).
///
/// ```swift
/// let model = try XGBoostModel(directory: "predictors/ofa-mbv3-w1.0-top1",
///                              space: try SpaceCatalog.space(named: "ofa-mbv3-w1.0"))
/// let top1 = try model.predict([arch])   // [76.1]
/// ```
public final class XGBoostModel: Sendable {
    public struct Options: Sendable, Equatable {
        /// Predict outside the resolutions seen in training (linear extrapolation).
        public var allowExtrapolation: Bool
        /// Accept a space that differs from the model's only in width (e.g. a latency model
        /// measured on w1.2 networks used in an ofa-mbv3-w1.0 search, as an approximation).
        public var allowWidthMismatch: Bool
        /// XGBoost threads per prediction call (1 inside a search, which batches its own work).
        public var threads: Int

        public init(allowExtrapolation: Bool = false, allowWidthMismatch: Bool = false, threads: Int = 1) {
            self.allowExtrapolation = allowExtrapolation
            self.allowWidthMismatch = allowWidthMismatch
            self.threads = threads
        }
    }

    public static let modelFileName = "model.ubj"
    public static let provenanceFileName = "provenance.json"

    public let booster: Booster
    public let provenance: XGBoostProvenance
    public let encoding: FeatureEncoding
    /// The space whose choices (not resolutions) every architecture must respect.
    public let space: any SearchSpace
    public let options: Options
    /// Where the model was loaded from, or a description for one trained in memory.
    public let location: String

    /// Resolutions seen in training, ascending.
    public var resolutions: [Int] { provenance.resolutions }

    /// Whether the model predicts at resolution `r`: inside the range it saw in training, or
    /// anywhere with ``Options/allowExtrapolation``. The one rule for a prediction and for a
    /// space checked before a search.
    public func answers(resolution r: Int) -> Bool {
        guard let lo = resolutions.first, let hi = resolutions.last else { return options.allowExtrapolation }
        return options.allowExtrapolation || (lo...hi).contains(r)
    }

    public init(booster: Booster, provenance: XGBoostProvenance, space: any SearchSpace,
                options: Options = Options(), location: String) throws(XGBoostError) {
        let encoding: FeatureEncoding
        do { encoding = try FeatureEncoding(name: provenance.featureEncoding) } catch {
            throw .model(path: location, reason: "feature_encoding: \(error)")
        }
        guard encoding.count == provenance.featureCount else {
            throw .model(path: location, reason: "feature_count is \(provenance.featureCount) but encoding \(encoding.name) has \(encoding.count) features")
        }
        let boosterFeatures = try booster.featureCount
        guard boosterFeatures == encoding.count else {
            throw .model(path: location, reason: "the model file reads \(boosterFeatures) features but encoding \(encoding.name) has \(encoding.count)")
        }
        guard !provenance.resolutions.isEmpty, provenance.resolutions == provenance.resolutions.sorted(),
              provenance.resolutions.allSatisfy({ (1...4096).contains($0) }) else {
            throw .model(path: location, reason: "resolutions must be a non-empty ascending list of resolutions in 1...4096 pixels")
        }
        guard encoding.width == space.width || options.allowWidthMismatch else {
            throw .model(path: location, reason: "feature encoding \(encoding.name) is for width \(encoding.width.name) but the space \(space.name) has width \(space.width.name)")
        }
        self.booster = booster
        self.provenance = provenance
        self.encoding = encoding
        self.space = space
        self.options = options
        self.location = location
        try booster.setParameter("nthread", String(max(1, options.threads)))
    }

    /// Refuses a model of another kind, for a predictor of `kind` ("a latency model cannot predict accuracy").
    func require(_ kind: XGBoostProvenance.Kind) throws(XGBoostError) {
        guard provenance.kind == kind else {
            throw .model(path: location, reason: "a \(provenance.kind.rawValue) model cannot predict \(kind.rawValue)")
        }
    }

    /// Loads a model directory. With `space`, the model must have been trained in that space
    /// (the same name; with ``Options/allowWidthMismatch``, the same name up to the width);
    /// without, the space recorded in the provenance is used. `kind`, when given, must match.
    public convenience init(directory: String, space: (any SearchSpace)? = nil, kind: XGBoostProvenance.Kind? = nil,
                            options: Options = Options()) throws(XGBoostError) {
        let provenancePath = directory + "/" + Self.provenanceFileName
        let provenance: XGBoostProvenance
        do {
            let data = try InputFile.read(provenancePath)
            provenance = try XGBoostProvenance.decode(data)
        } catch let error as InputFileError {
            throw .model(path: provenancePath, reason: "cannot read: \(error.reason)")
        } catch let error as DecodingError {
            throw .model(path: provenancePath, reason: "malformed provenance: \(Self.describe(error))")
        } catch {
            throw .model(path: provenancePath, reason: "cannot read: \(FileSystem.reason(of: error))")
        }
        guard provenance.format == XGBoostProvenance.currentFormat else {
            throw .model(path: provenancePath, reason: "format is '\(provenance.format)', expected '\(XGBoostProvenance.currentFormat)'")
        }
        if let kind, provenance.kind != kind {
            throw .model(path: provenancePath, reason: "this is a \(provenance.kind.rawValue) model; \(kind == .accuracy ? "an" : "a") \(kind.rawValue) model is needed")
        }
        let modelSpace: any SearchSpace
        if let space {
            let sameFamily = Self.family(space.name) == Self.family(provenance.space)
            guard space.name == provenance.space || (options.allowWidthMismatch && sameFamily) else {
                throw .model(path: provenancePath, reason: "the model was trained in space \(provenance.space), not \(space.name)")
            }
            modelSpace = space
        } else {
            do { modelSpace = try SpaceCatalog.space(named: provenance.space) } catch {
                throw .model(path: provenancePath, reason: "space: \(error)")
            }
        }
        guard !provenance.modelFile.isEmpty, !provenance.modelFile.contains("/"), provenance.modelFile != "..", provenance.modelFile != "." else {
            throw .model(path: provenancePath, reason: "model_file must be a file name inside the model directory, not '\(provenance.modelFile)'")
        }
        try Self.checkTransform(provenance, path: provenancePath)
        let modelPath = directory + "/" + provenance.modelFile
        let modelData: Data
        do { modelData = try InputFile.read(modelPath) } catch {
            throw .model(path: modelPath, reason: "cannot read the model file: \(error.reason)")
        }
        // The checksum written with the model: a changed byte in a tree can turn a threshold or a
        // leaf into 1e35 and XGBoost would load and predict it without complaint.
        guard provenance.modelSHA256.count == 64, provenance.modelSHA256.allSatisfy(\.isHexDigit) else {
            throw .model(path: provenancePath, reason: "model_sha256 must be 64 hexadecimal digits (the model file's sha256)")
        }
        let digest = SHA256.hex(modelData)
        guard digest == provenance.modelSHA256.lowercased() else {
            throw .model(path: modelPath, reason: provenance.modelSHA256.isEmpty
                ? "the provenance records no model_sha256 to verify the model file against"
                : "sha256 is \(digest.prefix(16))…, but the provenance records \(provenance.modelSHA256.prefix(16))…: the file is corrupt or was replaced (retrain, or restore it)")
        }
        // Read and checked by ofasearch before XGBoost, whose readers trust what they read.
        let document: ModelDocument
        do {
            if Booster.Format(path: provenance.modelFile) == .json {
                guard let text = String(data: modelData, encoding: .utf8) else { throw ModelDocument.Malformed(offset: 0, reason: "not UTF-8 text") }
                document = try ModelDocument(json: try JSONCObject(parsing: text))
            } else {
                document = try ModelDocument(ubjson: modelData)
            }
        } catch {
            throw .model(path: modelPath, reason: "the model file is damaged: \(error)")
        }
        try TreeCheck.verify(document, features: provenance.featureCount, location: modelPath)
        let booster: Booster
        do { booster = try Booster(modelData: modelData, threads: options.threads) } catch .library(_, let message) {
            throw .model(path: modelPath, reason: "not a model XGBoost can load (\(message))")
        }
        try self.init(booster: booster, provenance: provenance, space: modelSpace, options: options, location: directory)
    }

    /// Refuses a target transform whose offsets cannot come from training data: non-finite, or
    /// (added to a prediction) far outside the measured unit's range.
    static func checkTransform(_ provenance: XGBoostProvenance, path: String) throws(XGBoostError) {
        let t = provenance.targetTransform
        guard let recorded = provenance.targetTransformSHA256 else {
            throw .model(path: path, reason: "the provenance records no target_transform_sha256 to verify target_transform against (retrain the model)")
        }
        guard recorded.lowercased() == t.checksum else {
            throw .model(path: path, reason: "target_transform does not match its target_transform_sha256: the offsets were edited (restore them, or retrain)")
        }
        // Offsets are per-resolution means of the training target: top-1 in %, ms, or log(ms).
        // log(10⁻⁶ ms) … log(10⁶ ms): the plausible latency range, logged.
        let allowed: ClosedRange<Double> = t.log ? -13.9...13.9 : (provenance.kind == .accuracy ? 0...100 : 0...1e6)
        for (key, offset) in t.resolutionOffsets.sorted(by: { $0.key < $1.key }) {
            guard Int(key) != nil else {
                throw .model(path: path, reason: "target_transform.resolution_offsets: key '\(key)' is not a resolution")
            }
            guard offset.isFinite, allowed.contains(offset) else {
                throw .model(path: path, reason: "target_transform.resolution_offsets.\(key) is \(offset), expected a number in \(PredictionCheck.format(allowed.lowerBound))...\(PredictionCheck.format(allowed.upperBound)) for \(t.log ? "a log" : (provenance.kind == .accuracy ? "an" : "a")) \(provenance.kind.rawValue) target")
            }
        }
    }

    /// Writes `model.ubj` and `provenance.json` (with the model's sha256) into `directory`,
    /// each atomically.
    public static func write(booster: Booster, provenance: XGBoostProvenance, to directory: String) throws(XGBoostError) -> XGBoostProvenance {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .model(path: directory, reason: "cannot create the directory: \(FileSystem.reason(of: error))")
        }
        var provenance = provenance
        let modelData = try booster.serialized(Booster.Format(path: provenance.modelFile))
        provenance.modelSHA256 = SHA256.hex(modelData)
        provenance.targetTransformSHA256 = provenance.targetTransform.checksum
        let provenanceData: Data
        do { provenanceData = try provenance.encoded() } catch {
            throw .model(path: directory, reason: "cannot encode the provenance: \(error)")
        }
        do {
            try modelData.write(to: URL(fileURLWithPath: directory + "/" + provenance.modelFile), options: .atomic)
            try provenanceData.write(to: URL(fileURLWithPath: directory + "/" + provenanceFileName), options: .atomic)
        } catch {
            throw .model(path: directory, reason: "cannot write the model: \(FileSystem.reason(of: error))")
        }
        return provenance
    }

    /// Predictions in the measured unit, one per architecture, in one batched library call.
    public func predict(_ archs: [Architecture]) throws -> [Double] {
        guard !archs.isEmpty else { return [] }
        let seen = provenance.resolutions
        // Each architecture needs one or two rows (two when its resolution is interpolated).
        var plan: [(first: Int, second: Int, weight: Double)] = []
        plan.reserveCapacity(archs.count)
        var rows: [Architecture] = []
        rows.reserveCapacity(archs.count)
        for arch in archs {
            var probe = arch
            probe.resolution = space.resolutions[0]
            try space.validate(probe)   // choices must be the space's; the resolution is ours to judge
            let r = arch.resolution
            if seen.contains(r) {
                plan.append((rows.count, rows.count, 0)); rows.append(arch)
                continue
            }
            let lower: Int, upper: Int
            if r > seen[0], r < seen[seen.count - 1] {
                upper = seen.first { $0 > r }!
                lower = seen.last { $0 < r }!
            } else {
                guard answers(resolution: r) else {
                    throw XGBoostError.resolutionOutOfRange(resolution: r, seen: seen, model: location)
                }
                if seen.count == 1 { lower = seen[0]; upper = seen[0] } else if r < seen[0] {
                    lower = seen[0]; upper = seen[1]
                } else {
                    lower = seen[seen.count - 2]; upper = seen[seen.count - 1]
                }
            }
            var a = arch, b = arch
            a.resolution = lower; b.resolution = upper
            let weight = upper == lower ? 0 : Double(r - lower) / Double(upper - lower)
            plan.append((rows.count, rows.count + 1, weight))
            rows.append(a); rows.append(b)
        }
        let raw = try booster.predict(values: encoding.encode(rows), rows: rows.count, columns: encoding.count)
        let values = rows.indices.map { untransform(Double(raw[$0]), resolution: rows[$0].resolution) }
        return plan.map { p in
            p.first == p.second ? values[p.first] : values[p.first] + (values[p.second] - values[p.first]) * p.weight
        }
    }

    /// Maps a raw booster output at a seen resolution back to the measured unit.
    func untransform(_ z: Double, resolution: Int) -> Double {
        let t = provenance.targetTransform
        let v = z + t.offset(resolution: resolution)
        return t.log ? exp(v) : v
    }

    static func family(_ spaceName: String) -> String {
        spaceName.hasSuffix("-w1.0") || spaceName.hasSuffix("-w1.2") ? String(spaceName.dropLast(5)) : spaceName
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, ctx): "missing key '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx):
            // Foundation words an unknown enumeration value as "Cannot initialize Kind from
            // invalid String value x": say it in the provenance's own terms.
            if let value = ctx.debugDescription.range(of: "from invalid String value ") {
                "key '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': unknown value '\(ctx.debugDescription[value.upperBound...])'"
            } else {
                "key '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': \(ctx.debugDescription)"
            }
        @unknown default: "\(error)"
        }
    }
}
