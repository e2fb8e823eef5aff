import OFACore

/// How well predicted latencies (a table's sums) agree with measured end-to-end latencies.
///
/// Relative error is `(predicted − measured) / measured`. `bias` is its mean (positive: the table
/// over-predicts), `rmspe` the root mean square of it, `within10`/`within5` the shares with
/// |error| ≤ 10% / 5%, `kendallTau` the rank agreement (τ-b, ties counted).
///
/// ```swift
/// let a = LatencyAgreement(predicted: [1, 2, 3], measured: [1.1, 2, 2.9])
/// a.within10   // 1.0
/// ```
public struct LatencyAgreement: Sendable, Equatable {
    public let count: Int
    public let within10: Double
    public let within5: Double
    public let rmspe: Double
    public let kendallTau: Double
    public let bias: Double
    public let meanAbsoluteErrorMs: Double
    /// Ratio `measured / predicted` that would remove the bias (median of per-subnet ratios).
    public let medianRatio: Double

    public init(predicted: [Double], measured: [Double]) {
        precondition(predicted.count == measured.count && !predicted.isEmpty, "need equally many predictions and measurements")
        let rel = zip(predicted, measured).map { ($0 - $1) / $1 }
        let n = Double(rel.count)
        count = rel.count
        within10 = Metrics.shareWithin(relativeErrors: rel, tolerance: 0.10)
        within5 = Metrics.shareWithin(relativeErrors: rel, tolerance: 0.05)
        rmspe = (rel.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
        bias = rel.reduce(0, +) / n
        meanAbsoluteErrorMs = zip(predicted, measured).reduce(0) { $0 + abs($1.0 - $1.1) } / n
        medianRatio = Metrics.median(zip(measured, predicted).map { $0 / $1 })
        kendallTau = Metrics.kendallTauB(predicted, measured)
    }

    public var json: JSONValue {
        .object([
            ("count", .int(count)), ("within_10pct", .double(within10)), ("within_5pct", .double(within5)),
            ("rmspe", .double(rmspe)), ("kendall_tau", .double(kendallTau)), ("bias", .double(bias)),
            ("mean_abs_error_ms", .double(meanAbsoluteErrorMs)), ("median_measured_over_predicted", .double(medianRatio)),
        ])
    }
}
