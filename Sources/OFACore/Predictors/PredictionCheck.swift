/// The check every prediction passes where it enters a search or an output: finite and within
/// what the quantity can be. A corrupt model file, a tampered transform or an exploding MLP
/// otherwise hands the search a subnet "of accuracy 1.7e35" and it returns that as the best.
///
/// Accuracy predictors answer top-1 as a fraction (``AccuracyPredictor``), so [0, 1]; latency is
/// positive and below ``EfficiencyMetric/plausibleRange``; MACs likewise.
///
/// ```swift
/// let accs = try PredictionCheck.accuracies(try mlp.predictAccuracy(archs), of: archs, predictor: mlp.name)
/// ```
public enum PredictionCheck {
    /// Returns `values` when every one is a plausible top-1 fraction; else the error names the
    /// predictor, the architecture and the value.
    @discardableResult
    public static func accuracies(_ values: [Double], of archs: [Architecture], predictor: String) throws(PredictorError) -> [Double] {
        for (i, v) in values.enumerated() where !(v >= 0 && v <= 1) {
            throw .implausible(predictor: predictor, quantity: "accuracy", value: v, arch: i < archs.count ? archs[i].description : "?",
                               expected: "a top-1 fraction in [0, 1]")
        }
        return values
    }

    /// Returns `values` when every one is a plausible cost in `metric`.
    @discardableResult
    public static func efficiencies(_ values: [Double], of archs: [Architecture], metric: EfficiencyMetric,
                                    predictor: String) throws(PredictorError) -> [Double] {
        for (i, v) in values.enumerated() where !metric.plausibleRange.contains(v) || v == 0 {
            throw implausible(v, arch: i < archs.count ? archs[i] : nil, metric: metric, predictor: predictor)
        }
        return values
    }

    /// Returns `value` when it is a plausible cost in `metric`.
    @inline(__always)
    public static func efficiency(_ value: Double, of arch: Architecture, metric: EfficiencyMetric,
                                  predictor: String) throws(PredictorError) -> Double {
        // NaN fails `contains`, so one comparison pair covers it.
        guard value > 0, value <= metric.plausibleRange.upperBound else {
            throw implausible(value, arch: arch, metric: metric, predictor: predictor)
        }
        return value
    }

    private static func implausible(_ v: Double, arch: Architecture?, metric: EfficiencyMetric, predictor: String) -> PredictorError {
        let range = metric.plausibleRange
        return .implausible(predictor: predictor, quantity: metric.rawValue, value: v, arch: arch?.description ?? "?",
                            expected: "a positive \(metric.unit == "ms" ? "latency" : "count") of at most \(Self.format(range.upperBound)) \(metric.unit)")
    }

    package static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

extension EfficiencyMetric {
    /// Values a cost can take: above zero and below what no subnet of these supernets reaches on
    /// any device (a latency of 10⁶ ms is 17 minutes per image; OFA's largest subnet has 0.6 GMACs).
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .latency: 0...1e6
        case .macs: 0...1e12
        }
    }
}
