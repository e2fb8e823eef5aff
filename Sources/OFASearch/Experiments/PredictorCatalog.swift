import Foundation

/// The default ``PredictorProvider``: loads each kind of predictor the library has, once per
/// (reference, space), and shares it between runs.
///
/// | kind | loaded as |
/// |---|---|
/// | `mlp` | ``MLPAccuracyPredictor`` |
/// | `lut` | ``LatencyTable`` (OFA folder or nsganetv2 file), built for the space |
/// | `macs` | ``MACsPredictor`` for the space's width |
///
/// ```swift
/// let catalog = PredictorCatalog()
/// let mlp = try catalog.accuracyPredictor(reference, space: space)
/// ```
public final class PredictorCatalog: PredictorProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var accuracy: [String: any AccuracyPredictor] = [:]
    private var efficiency: [String: any EfficiencyPredictor] = [:]

    public init() {}

    private func key(_ r: PredictorReference, _ space: any SearchSpace) -> String {
        "\(r.kind.rawValue)|\(r.path ?? r.spelled)|\(space.description)"
    }

    public func accuracyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any AccuracyPredictor {
        lock.lock(); defer { lock.unlock() }
        // An accuracy model does not depend on the space it is asked about: cache by file.
        let k = "\(reference.kind.rawValue)|\(reference.path ?? reference.spelled)"
        if let p = accuracy[k] { return p }
        let p: any AccuracyPredictor
        switch reference.kind {
        case .mlp: p = try MLPAccuracyPredictor(contentsOf: try path(reference))
        default: throw PredictorError.unsupported("'\(reference.spelled)': \(reference.kind.rawValue) accuracy predictors are not available in this build")
        }
        accuracy[k] = p
        return p
    }

    public func efficiencyPredictor(_ reference: PredictorReference, space: any SearchSpace) throws -> any EfficiencyPredictor {
        lock.lock(); defer { lock.unlock() }
        let k = key(reference, space)
        if let p = efficiency[k] { return p }
        let p: any EfficiencyPredictor
        switch reference.kind {
        case .lut: p = try LatencyTable(contentsOf: try path(reference), for: space)
        case .macs: p = MACsPredictor(width: space.width)
        default: throw PredictorError.unsupported("'\(reference.spelled)': \(reference.kind.rawValue) efficiency predictors are not available in this build")
        }
        efficiency[k] = p
        return p
    }

    private func path(_ r: PredictorReference) throws -> String {
        guard let p = r.path else { throw PredictorError.unsupported("'\(r.spelled)' has no file") }
        return p
    }
}
