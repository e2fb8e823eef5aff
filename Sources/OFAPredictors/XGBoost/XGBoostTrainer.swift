import Foundation
import OFACore
import OFAXGBoost

/// Trains XGBoost predictors on measurements: chooses hyper-parameters by grouped k-fold
/// cross-validation (groups are canonical architectures), fits the chosen setting on all rows
/// and writes a model directory with its provenance.
///
/// Deterministic: folds come from `seed`, XGBoost gets `seed` and a fixed thread count.
///
/// ```swift
/// let data = try MeasurementSet.load(path: "ofa-mbv3-w1.0.jsonl", target: "top1")
/// var trainer = XGBoostTrainer(kind: .accuracy, space: try SpaceCatalog.space(named: "ofa-mbv3-w1.0"))
/// let provenance = try trainer.train(data, to: "predictors/ofa-mbv3-w1.0-top1")
/// print(provenance.crossValidation!.metrics.rmse)
/// ```
public struct XGBoostTrainer {
    public var kind: XGBoostProvenance.Kind
    public var space: any SearchSpace
    public var encoding: FeatureEncoding
    /// Fit log(value) (default for latency).
    public var logTarget: Bool
    /// Subtract per-resolution means before fitting (default for accuracy).
    public var centerPerResolution: Bool
    /// Settings tried; each is also evaluated at the round counts in `roundFractions` of its
    /// `rounds` (one training run serves them all).
    public var grid: [XGBoostHyperParameters]
    public var roundFractions: [Double] = [0.15, 0.25, 0.5, 0.75, 1]
    public var folds = 5
    public var seed: UInt64 = 0
    public var threads = 1
    /// Called with one line per finished trial (the CLI prints it to stderr on a terminal).
    public var progress: (@Sendable (String) -> Void)?
    public var notes: [String] = []

    public init(kind: XGBoostProvenance.Kind, space: any SearchSpace, encoding: FeatureEncoding? = nil,
                grid: [XGBoostHyperParameters]? = nil) {
        self.kind = kind
        self.space = space
        self.encoding = encoding ?? FeatureEncoding(kind: .unitSums, width: space.width)
        self.logTarget = kind == .latency
        self.centerPerResolution = kind == .accuracy
        self.grid = grid ?? Self.defaultGrid(kind)
    }

    /// The small grids the committed models were chosen from (see docs/xgboost.md).
    public static func defaultGrid(_ kind: XGBoostProvenance.Kind) -> [XGBoostHyperParameters] {
        switch kind {
        case .accuracy:
            [XGBoostHyperParameters(rounds: 2000, eta: 0.03, maxDepth: 3, subsample: 0.7, colsampleByTree: 0.3, minChildWeight: 3, lambda: 5),
             XGBoostHyperParameters(rounds: 2000, eta: 0.03, maxDepth: 4, subsample: 0.7, colsampleByTree: 0.3, minChildWeight: 1, lambda: 1),
             XGBoostHyperParameters(rounds: 2000, eta: 0.03, maxDepth: 2, subsample: 0.7, colsampleByTree: 0.3, minChildWeight: 3, lambda: 5)]
        case .latency:
            [XGBoostHyperParameters(rounds: 800, eta: 0.05, maxDepth: 6, subsample: 0.8, colsampleByTree: 0.5),
             XGBoostHyperParameters(rounds: 1000, eta: 0.05, maxDepth: 4, subsample: 0.8, colsampleByTree: 0.5)]
        }
    }

    /// Checks every row against the space's choices (the resolution is not checked: the model
    /// learns the resolutions its data has).
    public func validate(_ data: MeasurementSet) throws {
        for (i, row) in data.rows.enumerated() {
            var probe = row.arch
            probe.resolution = space.resolutions[0]
            do { try space.validate(probe) } catch {
                throw XGBoostError.invalidArgument("row \(i + 1) of the \(data.target) data (\(row.arch)): \(error)")
            }
            if logTarget, row.value <= 0 {
                throw XGBoostError.invalidArgument("row \(i + 1): a log-target model needs positive values, got \(row.value)")
            }
        }
    }

    /// Target transform fitted on `rows` (per-resolution means of the transformed value).
    func transform(for rows: [MeasuredArchitecture]) -> XGBoostProvenance.TargetTransform {
        guard centerPerResolution else { return .init(log: logTarget, resolutionOffsets: [:]) }
        var sums: [Int: (Double, Int)] = [:]
        for row in rows {
            let v = logTarget ? log(row.value) : row.value
            sums[row.arch.resolution, default: (0, 0)].0 += v
            sums[row.arch.resolution, default: (0, 0)].1 += 1
        }
        return .init(log: logTarget, resolutionOffsets: Dictionary(uniqueKeysWithValues: sums.map { (String($0.key), $0.value.0 / Double($0.value.1)) }))
    }

    func targets(_ rows: [MeasuredArchitecture], _ t: XGBoostProvenance.TargetTransform) -> [Float] {
        rows.map { Float((t.log ? log($0.value) : $0.value) - t.offset(resolution: $0.arch.resolution)) }
    }

    func fit(_ rows: [MeasuredArchitecture], parameters: XGBoostHyperParameters) throws -> (Booster, XGBoostProvenance.TargetTransform) {
        let t = transform(for: rows)
        let matrix = try DMatrix(values: encoding.encode(rows.map(\.arch)), rows: rows.count, columns: encoding.count,
                                 labels: targets(rows, t))
        let booster = try Booster.train(on: matrix, parameters: parameters.learnerParameters(threads: threads, seed: seed),
                                        rounds: parameters.rounds)
        return (booster, t)
    }

    /// Out-of-fold predictions (measured unit) for each round count in `checkpoints`.
    public func crossValidate(_ data: MeasurementSet, parameters: XGBoostHyperParameters,
                              checkpoints: [Int]) throws -> [Int: [Double]] {
        let split = GroupedFolds(data.archs, k: folds, seed: seed)
        var out = Dictionary(uniqueKeysWithValues: checkpoints.map { ($0, [Double](repeating: .nan, count: data.rows.count)) })
        for fold in 0..<folds {
            let (trainIdx, testIdx) = split.split(fold)
            guard !testIdx.isEmpty else { continue }
            let (booster, t) = try fit(trainIdx.map { data.rows[$0] }, parameters: parameters)
            let fallback = t.resolutionOffsets.isEmpty ? 0 : t.resolutionOffsets.values.reduce(0, +) / Double(t.resolutionOffsets.count)
            let testArchs = testIdx.map { data.rows[$0].arch }
            let x = encoding.encode(testArchs)
            for c in checkpoints {
                let z = try booster.predict(values: x, rows: testIdx.count, columns: encoding.count, iterationEnd: c)
                for (j, i) in testIdx.enumerated() {
                    let r = testArchs[j].resolution
                    let offset = t.resolutionOffsets[String(r)] ?? fallback
                    let v = Double(z[j]) + offset
                    out[c]![i] = t.log ? exp(v) : v
                }
            }
        }
        return out
    }

    func report(_ predicted: [Double], _ data: MeasurementSet) -> RegressionReport {
        RegressionReport(predicted: predicted, measured: data.values, resolutions: data.archs.map(\.resolution),
                         relativeShares: kind == .latency)
    }

    /// Latency trials whose ±10% share is within this of the best count as tied (it is a count
    /// of rows near a threshold: 0.0025 is 10 of 4,000); the lowest RMSE among them wins.
    public static let latencyShareTolerance = 0.0025

    /// Index of the chosen trial: lowest RMSE for accuracy; for latency the lowest RMSE among
    /// the trials whose ±10% share is (near) the best.
    func choose(_ reports: [RegressionReport]) -> Int {
        let bestShare = reports.compactMap(\.within10).max() ?? 0
        let candidates = reports.indices.filter { kind == .accuracy || (reports[$0].within10 ?? 0) >= bestShare - Self.latencyShareTolerance }
        return candidates.min { reports[$0].rmse < reports[$1].rmse }!
    }

    /// Selects hyper-parameters by grouped CV, fits the chosen setting on every row, writes
    /// `directory` (model and provenance) and returns the provenance written.
    @discardableResult
    public func train(_ data: MeasurementSet, to directory: String) throws -> XGBoostProvenance {
        guard !grid.isEmpty else { throw XGBoostError.invalidArgument("no hyper-parameter settings to try") }
        try validate(data)
        var trials: [XGBoostProvenance.Trial] = []
        var candidates: [(parameters: XGBoostHyperParameters, report: RegressionReport)] = []
        for setting in grid {
            let checkpoints = Array(Set(roundFractions.map { max(1, Int((Double(setting.rounds) * $0).rounded())) })).sorted()
            let predictions = try crossValidate(data, parameters: setting, checkpoints: checkpoints)
            for c in checkpoints {
                var p = setting
                p.rounds = c
                let r = report(predictions[c]!, data)
                trials.append(.init(parameters: p, rmse: RegressionReport.round(r.rmse),
                                    minResolutionTau: RegressionReport.round(r.minimumResolutionTau),
                                    within10: r.within10.map(RegressionReport.round)))
                progress?("cv \(p): rmse \(RegressionReport.round(r.rmse)) min-resolution tau \(RegressionReport.round(r.minimumResolutionTau))" + (r.within10.map { " within10 \(RegressionReport.round($0))" } ?? ""))
                candidates.append((p, r))
            }
        }
        let chosen = candidates[choose(candidates.map(\.report))]
        let (booster, transform) = try fit(data.rows, parameters: chosen.parameters)
        let resolutions = Array(Set(data.archs.map(\.resolution))).sorted()
        let provenance = XGBoostProvenance(
            format: XGBoostProvenance.currentFormat, kind: kind, space: space.name, target: data.target,
            unit: kind == .accuracy ? "%" : "ms", featureEncoding: encoding.name, featureCount: encoding.count,
            targetTransform: transform, parameters: chosen.parameters, threads: threads, resolutions: resolutions,
            rows: data.rows.count, uniqueArchitectures: Set(data.archs).count,
            data: data.sources.map { .init(path: $0.path, rows: $0.rows, sha256: $0.sha256) },
            crossValidation: .init(folds: folds, seed: seed, grouping: "canonical architecture (blocks, depths, resolution)",
                                   selection: kind == .accuracy ? "lowest pooled RMSE" : "lowest RMSE among trials within \(Self.latencyShareTolerance) of the best share within ±10%",
                                   metrics: .init(chosen.report), trials: trials),
            modelFile: XGBoostModel.modelFileName, modelSHA256: "", xgboostVersion: XGBoostLibrary.version, notes: notes)
        return try XGBoostModel.write(booster: booster, provenance: provenance, to: directory)
    }
}
