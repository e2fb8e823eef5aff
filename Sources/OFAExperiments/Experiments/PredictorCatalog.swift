import Foundation
import Synchronization
import OFACore
import OFAPredictors
import OFAEngine
import OFAEvaluators

/// The default ``PredictorProvider``: loads each kind of predictor the library has, once per
/// (reference, space), and shares it between runs.
///
/// | kind | loaded as |
/// |---|---|
/// | `mlp` | ``MLPAccuracyPredictor`` |
/// | `lut` | ``LatencyTable`` (OFA folder or nsganetv2 file), built for the space |
/// | `macs` | ``MACsPredictor`` for the space's width |
/// | `xgboost` | ``XGBoostAccuracyPredictor`` / ``XGBoostLatencyPredictor`` (a model directory) |
/// | `measured` | ``MeasuredLatencyPredictor`` (runs each subnet on this CPU) |
/// | `command` | ``EvaluatorAccuracyPredictor`` / ``EvaluatorLatencyPredictor``: one worker per spec file, shared by spaces and runs |
///
/// An XGBoost model judges any space whose choices are a subset of the space it was trained in
/// (e.g. the CompOFA elastic-kernel model judges the fixed-kernel space), at resolutions inside
/// the range it saw in training.
///
/// ```swift
/// let catalog = PredictorCatalog()
/// let mlp = try catalog.accuracyPredictor(reference, space: space)
/// ```
public final class PredictorCatalog: PredictorProvider, Sendable {
    private struct Loaded {
        var accuracy: [String: any AccuracyPredictor] = [:]
        var efficiency: [String: any EfficiencyPredictor] = [:]
        var evaluators: [String: ExternalEvaluator] = [:]

        /// The running worker of an evaluator spec (started on first use).
        mutating func evaluator(_ r: PredictorReference) throws -> ExternalEvaluator {
            let file = try PredictorCatalog.path(r)
            if let e = evaluators[file] { return e }
            let e = try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: file))
            evaluators[file] = e
            return e
        }
    }

    // Held while a predictor loads: two runs asking for one file load it once.
    private let loaded = Mutex(Loaded())

    public init() {}

    private static func key(_ r: PredictorReference, _ space: any SearchSpace) -> String {
        // One measured predictor (one cache of measurements) per width and clock.
        if r.kind == .measured { return "measured|\(r.clock ?? "wall")|\(space.width.name)" }
        return "\(r.kind.rawValue)|\(r.path ?? r.spelled)|\(space.description)"
    }

    public func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor {
        try loaded.withLock { try Self.accuracyPredictor(reference, space: space, loaded: &$0) }
    }

    private static func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace,
                                          loaded: inout Loaded) throws -> any AccuracyPredictor {
        // An accuracy model does not depend on the space it is asked about: cache by file (an
        // evaluator is told the space with each request: one predictor per space).
        let k = "\(reference.kind.rawValue)|\(reference.path ?? reference.spelled)" + (reference.kind == .command ? "|\(space.name)" : "")
        if let p = loaded.accuracy[k] {
            if let x = p as? XGBoostAccuracyPredictor { try Self.check(x.model, covers: space, reference: reference) }
            return p
        }
        let p = try makeAccuracyPredictor(reference, space: space, evaluator: { try loaded.evaluator(reference) })
        loaded.accuracy[k] = p
        return p
    }

    public func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor {
        try loaded.withLock { try Self.efficiencyPredictor(reference, space: space, loaded: &$0) }
    }

    private static func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace,
                                            loaded: inout Loaded) throws -> any EfficiencyPredictor {
        let k = key(reference, space)
        if let p = loaded.efficiency[k] { return p }
        let p = try makeEfficiencyPredictor(reference, space: space, evaluator: { try loaded.evaluator(reference) })
        loaded.efficiency[k] = p
        return p
    }

    /// The one factory of accuracy predictors, for manifests (cached by the catalog) and the
    /// command line (``PredictorLoader``): an XGBoost model must cover `space` when one is given
    /// (``check(_:covers:reference:)``); an evaluator needs a space to measure in. `evaluator`
    /// gives the worker of a `command` reference.
    static func makeAccuracyPredictor(_ reference: PredictorReference, space: (any SearchSpace)?,
                                      evaluator: () throws -> ExternalEvaluator) throws -> any AccuracyPredictor {
        switch reference.kind {
        case .mlp: return try MLPAccuracyPredictor(contentsOf: try path(reference))
        case .xgboost: return try XGBoostAccuracyPredictor(model: try model(reference, kind: .accuracy, covering: space))
        case .command: return try EvaluatorAccuracyPredictor(evaluator: try evaluator(), space: try measuredSpace(reference, space))
        default: throw PredictorError.unsupported("'\(reference.spelled)': \(reference.kind.rawValue) accuracy predictors are not available in this build")
        }
    }

    /// The one factory of efficiency predictors, for manifests and the command line.
    static func makeEfficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace,
                                        evaluator: () throws -> ExternalEvaluator) throws -> any EfficiencyPredictor {
        switch reference.kind {
        case .lut:
            let table = try LatencyTable(contentsOf: try path(reference), for: space)
            // Another machine's milliseconds: one line on stderr (once per table and process).
            ProfiledLatencyTable.warnIfProfiledElsewhere(path: try path(reference), name: reference.spelled)
            return table
        case .macs: return MACsPredictor(width: space.width)
        case .measured:
            return MeasuredLatencyPredictor(width: space.width, clock: reference.clock.flatMap(Stopwatch.init(rawValue:)) ?? .wall)
        case .xgboost: return try XGBoostLatencyPredictor(model: try model(reference, kind: .latency, covering: space))
        case .command: return try EvaluatorLatencyPredictor(evaluator: try evaluator(), space: space.name)
        default: throw PredictorError.unsupported("'\(reference.spelled)': \(reference.kind.rawValue) efficiency predictors are not available in this build")
        }
    }

    /// An XGBoost model directory of `kind`, checked against `space` when one is given.
    private static func model(_ reference: PredictorReference, kind: XGBoostProvenance.Kind,
                              covering space: (any SearchSpace)?) throws -> XGBoostModel {
        let model = try XGBoostModel(directory: try path(reference), kind: kind)
        if let space { try check(model, covers: space, reference: reference) }
        return model
    }

    /// The space an evaluator is told with each request.
    private static func measuredSpace(_ reference: PredictorReference, _ space: (any SearchSpace)?) throws -> String {
        guard let space else { throw PredictorError.unsupported("an evaluator (\(reference.spelled)) needs a space to measure in") }
        return space.name
    }

    /// Refuses a model asked about subnets it was not trained on: choices outside its space, or
    /// resolutions outside the range it saw.
    static func check(_ model: XGBoostModel, covers space: any SearchSpace, reference: PredictorReference) throws {
        let own = model.space
        var ok = own.width == space.width && Set(space.depthChoices).isSubset(of: own.depthChoices)
        for unit in 0..<Architecture.unitCount where ok {
            ok = Set(space.kernelChoices(unit: unit)).isSubset(of: own.kernelChoices(unit: unit))
                && space.depthChoices.allSatisfy { Set(space.expandChoices(unit: unit, depth: $0)).isSubset(of: own.expandChoices(unit: unit, depth: $0)) }
        }
        guard ok else {
            throw PredictorError.unsupported("'\(reference.spelled)' was trained in \(own.name), which does not contain \(space.name)")
        }
        let seen = model.resolutions
        if let lo = seen.first, let hi = seen.last, let outside = space.resolutions.first(where: { !model.answers(resolution: $0) }) {
            let inside = space.resolutions.filter { (lo...hi).contains($0) }.map(String.init).joined(separator: ",")
            throw PredictorError.unsupported("'\(reference.spelled)' saw resolutions \(seen.map(String.init).joined(separator: ", ")) in training; r\(outside) of \(space) is outside that range (narrow them to what it saw: \(inside.isEmpty ? "resolutions within \(lo)...\(hi)" : "--resolutions \(inside), or resolutions: [\(inside)] in a manifest"))")
        }
    }

    private static func path(_ r: PredictorReference) throws -> String {
        guard let p = r.path else { throw PredictorError.unsupported("'\(r.spelled)' has no file") }
        return p
    }
}
