/// Predicts ImageNet top-1 accuracy, as a fraction in [0, 1], for batches of architectures.
///
/// Implementations are batched: the search hands over a whole generation at once.
///
/// ```swift
/// let mlp = try MLPAccuracyPredictor(contentsOf: "ofa-tutorial-mlp-w1.2.json")
/// let accs = try mlp.predictAccuracy([arch1, arch2])
/// ```
public protocol AccuracyPredictor: Sendable {
    /// Short description for reports and provenance.
    var name: String { get }
    func predictAccuracy(_ archs: [Architecture]) throws -> [Double]
}

/// What an efficiency predictor measures.
public enum EfficiencyMetric: String, Sendable, Hashable, CaseIterable {
    /// Latency in milliseconds.
    case latency = "latency_ms"
    /// Multiply-accumulate operations.
    case macs = "macs"

    /// Unit for display.
    public var unit: String { self == .latency ? "ms" : "MACs" }
}

/// Predicts an efficiency cost (latency or MACs) that a deployment budget bounds from above.
///
/// ```swift
/// let table = try LatencyTable(contentsOf: "../shared/ofa-data/latency/note10", for: space)
/// let ms = try table.predictEfficiency(arch)
/// ```
public protocol EfficiencyPredictor: Sendable {
    var name: String { get }
    var metric: EfficiencyMetric { get }
    /// Cost of each architecture, in the metric's unit.
    func predictEfficiency(_ archs: [Architecture]) throws -> [Double]
    /// Cost of one architecture; implementations with a cheap per-architecture path override it.
    func predictEfficiency(_ arch: Architecture) throws -> Double
}

extension EfficiencyPredictor {
    public func predictEfficiency(_ arch: Architecture) throws -> Double {
        try predictEfficiency([arch])[0]
    }
}

/// A predictor that cannot be loaded or cannot answer; names the file, key or field.
public enum PredictorError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingKey(key: String, table: String)
    case unsupported(String)
    /// A prediction that cannot be right (non-finite, or outside what the quantity can be).
    case implausible(predictor: String, quantity: String, value: Double, arch: String, expected: String)

    /// Control characters from a damaged file are escaped: the message stays one readable line.
    public var description: String { text.printable }

    private var text: String {
        switch self {
        case let .unreadable(path, reason): "cannot read predictor \(path): \(reason)"
        case let .malformed(path, reason): "\(path): \(reason)"
        case let .missingKey(key, table): "latency table \(table) has no entry '\(key)'"
        case let .unsupported(why): why
        case let .implausible(predictor, quantity, value, arch, expected):
            "predictor \(predictor) gave \(quantity) \(value) for \(arch); expected \(expected) (is the model file intact?)"
        }
    }
}
