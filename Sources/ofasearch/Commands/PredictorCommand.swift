import ArgumentParser
import Foundation
import OFASearch

struct PredictorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictor",
        abstract: "Train and evaluate XGBoost predictors.",
        subcommands: [Train.self, Eval.self]
    )

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an XGBoost predictor; hyper-parameters chosen by grouped 5-fold cross-validation.",
            discussion: """
            Data: JSON Lines files (ks, e, d, r and the target field) or OFA AccuracyDataset \
            directories (acc.dict, or src/<r>.dict) / .dict files. Writes DIR/model.ubj and \
            DIR/provenance.json and prints the cross-validation metrics of the chosen setting as JSON.
            """
        )

        @Option(help: "accuracy (top-1 in %) or latency (ms).")
        var kind: String
        @Option(help: "Space the architectures belong to: \(SpaceCatalog.names.joined(separator: ", ")).")
        var space: String
        @Option(parsing: .upToNextOption, help: "Measurement files or AccuracyDataset directories.")
        var data: [String]
        @Option(help: "Output model directory.")
        var out: String
        @Option(help: "Measured field, dotted for nested fields (default top1; latency needs e.g. latency_ms.v100_64).")
        var target: String?
        @Option(help: "Feature encoding kind: ordinal or ordinal+units.")
        var encoding: String = FeatureEncoding.Kind.unitSums.rawValue
        @Option(help: "XGBoost threads for training (fixed, so results repeat).")
        var threads: Int = 1
        @Option(help: "Seed for folds and XGBoost sampling.")
        var seed: UInt64 = 0
        @Option(help: "Cross-validation folds.")
        var folds: Int = 5
        @Flag(help: "Try only the first setting of the grid, at its full round count (quick checks).")
        var quick = false
        @Option(help: "A note recorded in the provenance (repeatable).")
        var note: [String] = []

        func run() throws {
            guard let kind = XGBoostProvenance.Kind(rawValue: kind) else {
                throw ValidationError("--kind must be accuracy or latency, not '\(self.kind)'")
            }
            guard let encodingKind = FeatureEncoding.Kind(rawValue: encoding) else {
                throw ValidationError("--encoding must be one of \(FeatureEncoding.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            // Upper bounds: XGBoost crashes (libgomp) at tens of thousands of threads; a huge fold count loops for ever.
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256, got \(threads)") }
            guard (2...1000).contains(folds) else { throw ValidationError("--folds must be in 2...1000, got \(folds)") }
            guard !data.isEmpty else { throw ValidationError("--data needs at least one file") }
            let target = self.target ?? (kind == .accuracy ? "top1" : "")
            guard !target.isEmpty else { throw ValidationError("a latency model needs --target, e.g. latency_ms.v100_64") }
            let space: any SearchSpace
            do { space = try SpaceCatalog.space(named: self.space) } catch { throw ValidationError(error.description) }
            let rules = kind == .accuracy ? MeasurementRules.top1(in: space) : MeasurementRules.latency(in: space)
            let measurements = try loadMeasurements(data, target: target, rules: rules)
            var trainer = XGBoostTrainer(kind: kind, space: space, encoding: FeatureEncoding(kind: encodingKind, width: space.width))
            trainer.threads = threads
            trainer.seed = seed
            trainer.folds = folds
            trainer.notes = note
            if quick {
                trainer.grid = [trainer.grid[0]]
                trainer.roundFractions = [1]
            }
            if isatty(2) != 0 { trainer.progress = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) } }
            let provenance: XGBoostProvenance
            do { provenance = try trainer.train(measurements, to: out) } catch { throw PredictorCommandError("\(error)") }
            let cv = provenance.crossValidation!
            let summary = JSONValue.object([
                ("model", .string(out)), ("rows", .int(provenance.rows)),
                ("parameters", .string(provenance.parameters.description)),
                ("cv", Self.metricsJSON(cv.metrics)),
            ])
            print(summary.rendered())
        }

        static func metricsJSON(_ m: XGBoostProvenance.Metrics) -> JSONValue {
            var fields = m.pooled.jsonFields   // rounded when recorded
            fields.append(("per_resolution", .object(m.perResolution.keys.sorted { Int($0)! < Int($1)! }.map { r in
                let g = m.perResolution[r]!
                return (r, .object([("count", .int(g.count)), ("rmse", .double(g.rmse)), ("kendall_tau", .double(g.kendallTau))]))
            })))
            return JSONValue.object(fields).omittingUndefinedNumbers
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a trained model (and optionally a baseline) on measurements.",
            discussion: """
            Prints rmse, mae, kendall_tau (tau-b), spearman, per-resolution kendall_tau, rmse and mae, \
            and for latency models the share of predictions within ±5% and ±10%. Values are in \
            the measured unit (top-1 in %, ms). --baseline takes another model directory or an \
            OFA tutorial MLP .json (accuracy).
            """
        )

        @Option(help: "Model directory (model.ubj + provenance.json).")
        var model: String
        @Option(parsing: .upToNextOption, help: "Measurement files or AccuracyDataset directories.")
        var data: [String]
        @Option(help: "Measured field (default: the model's target).")
        var target: String?
        @Option(help: "A baseline predictor: a model directory or an OFA tutorial MLP .json file.")
        var baseline: String?
        @Flag(help: "Print JSON.")
        var json = false
        @Flag(help: "Predict outside the resolutions the model saw in training (linear extrapolation).")
        var allowExtrapolation = false
        @Flag(help: "Accept data of the same space family at another width (e.g. w1.0 rows for a w1.2 latency model).")
        var allowWidthMismatch = false

        func run() throws {
            let options = XGBoostModel.Options(allowExtrapolation: allowExtrapolation, allowWidthMismatch: allowWidthMismatch)
            let xgb: XGBoostModel
            do { xgb = try XGBoostModel(directory: model, options: options) } catch { throw PredictorCommandError("\(error)") }
            let target = self.target ?? xgb.provenance.target
            guard !data.isEmpty else { throw ValidationError("--data needs at least one file") }
            let latency = xgb.provenance.kind == .latency
            // The model judges resolutions (it interpolates between those it saw); the rows'
            // choices must be its space's, or its space's family with --allow-width-mismatch.
            let rowSpace: (any SearchSpace)? = allowWidthMismatch ? nil : xgb.space
            let rules = latency ? MeasurementRules.latency(in: rowSpace, checkingResolution: false)
                : MeasurementRules.top1(in: rowSpace, checkingResolution: false)
            let measurements = try loadMeasurements(data, target: target, rules: rules)
            let archs = measurements.archs
            let predicted = try predictRows(measurements, label: model) { try xgb.predict($0) }
            let resolutions = archs.map(\.resolution)
            let report = RegressionReport(predicted: predicted, measured: measurements.values, resolutions: resolutions, relativeShares: latency)
            var baselineResult: (name: String, report: RegressionReport)?
            if let baseline {
                let values: [Double], name: String
                var isDirectory: ObjCBool = false
                let isModel = FileManager.default.fileExists(atPath: baseline, isDirectory: &isDirectory) && isDirectory.boolValue
                guard isModel || !latency else { throw PredictorCommandError("a latency baseline must be a model directory, not \(baseline)") }
                if isModel {
                    let other: XGBoostModel
                    do { other = try XGBoostModel(directory: baseline, options: options) } catch { throw PredictorCommandError("baseline \(baseline): \(error)") }
                    values = try predictRows(measurements, label: "baseline \(baseline)") { try other.predict($0) }
                    name = "xgboost:\(baseline)"
                } else {
                    let mlp: MLPAccuracyPredictor
                    do { mlp = try MLPAccuracyPredictor(contentsOf: baseline) } catch { throw PredictorCommandError("baseline \(baseline): \(error)") }
                    values = try predictRows(measurements, label: "baseline \(baseline)") { try mlp.predictAccuracy($0).map { $0 * 100 } }   // the data are in %
                    name = mlp.name
                }
                baselineResult = (name, RegressionReport(predicted: values, measured: measurements.values, resolutions: resolutions, relativeShares: latency))
            }
            if json {
                var fields: [(String, JSONValue)] = [
                    ("model", .string(model)), ("target", .string(target)), ("unit", .string(xgb.provenance.unit)),
                    ("data", .array(measurements.sources.map { JSONValue.string($0.path) })),
                ]
                fields += Self.fields(report)
                if let baselineResult {
                    fields.append(("baseline", .object([("name", .string(baselineResult.name))] + Self.fields(baselineResult.report))))
                }
                print(JSONValue.object(fields).rendered())
            } else {
                print("model \(model) on \(measurements.sources.map { $0.path }.joined(separator: ", ")) (\(report.count) rows, \(target) in \(xgb.provenance.unit))")
                print(Self.table(report, label: "xgboost"))
                if let baselineResult { print("baseline \(baselineResult.name)\n" + Self.table(baselineResult.report, label: "baseline")) }
            }
        }

        static func fields(_ r: RegressionReport) -> [(String, JSONValue)] {
            guard case let .object(f) = r.json else { return [] }
            return f
        }

        static func table(_ r: RegressionReport, label: String) -> String {
            func f(_ v: Double) -> String { v.isFinite ? String(format: "%.4f", v) : "n/a" }
            var lines = ["  \(label): rmse \(f(r.rmse))  mae \(f(r.mae))  kendall_tau \(f(r.kendallTau))  spearman \(f(r.spearman))"
                + (r.within10.map { " within ±5% \(f(r.within5!))  within ±10% \(f($0))" } ?? "")]
            for res in r.perResolution.keys.sorted() {
                let g = r.perResolution[res]!
                lines.append("    r\(res): n \(g.count)  rmse \(f(g.rmse))  mae \(f(g.mae))  kendall_tau \(f(g.kendallTau))")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// Reads and concatenates measurement files, each row checked by `rules`; an error names the
/// file and line.
private func loadMeasurements(_ paths: [String], target: String, rules: MeasurementRules) throws -> MeasurementSet {
    var sets: [MeasurementSet] = []
    for path in paths {
        do { sets.append(try MeasurementSet.load(path: path, target: target, rules: rules)) } catch { throw PredictorCommandError(error.description) }
    }
    return MeasurementSet.merged(sets)
}

/// Predictions (in the measured unit) for every row, each finite and plausible; when the
/// predictor refuses or answers nonsense, the error names the first such row's file and line.
private func predictRows(_ set: MeasurementSet, label: String, _ predict: ([Architecture]) throws -> [Double]) throws -> [Double] {
    let unit = set.target == "top1" ? 0...100.0 : EfficiencyMetric.latency.plausibleRange
    func checked(_ archs: [Architecture]) throws -> [Double] {
        let values = try predict(archs)
        for (i, v) in values.enumerated() where !(unit.contains(v) && (set.target == "top1" || v > 0)) {
            throw PredictorCommandError("predicted \(set.target) \(v) for \(archs[i]), outside \(unit.lowerBound)...\(unit.upperBound)")
        }
        return values
    }
    do { return try checked(set.archs) } catch {
        for row in set.rows {
            do { _ = try checked([row.arch]) } catch { throw PredictorCommandError("\(row.origin): \(label): \(error)") }
        }
        throw PredictorCommandError("\(label): \(error)")
    }
}

/// A one-line error for the user (printed by ArgumentParser as `Error: …`).
private struct PredictorCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
