import OFACore

/// The metrics of one predictor on one set of measurements, pooled and per resolution.
///
/// ```swift
/// let report = RegressionReport(predicted: p, measured: y, resolutions: rs, relativeShares: true)
/// print(report.rmse, report.perResolution[224]?.kendallTau ?? .nan)
/// report.json.rendered()
/// ```
public struct RegressionReport: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var count: Int
        public var rmse: Double
        /// Mean absolute error within the resolution, in the measured unit.
        public var mae: Double
        public var kendallTau: Double
    }

    public var count: Int
    public var rmse: Double
    public var mae: Double
    public var kendallTau: Double
    public var spearman: Double
    /// Share within ±5% and ±10% of the measurement (latency reports only).
    public var within5: Double?
    public var within10: Double?
    public var perResolution: [Int: Group]

    public init(predicted: [Double], measured: [Double], resolutions: [Int], relativeShares: Bool) {
        precondition(predicted.count == measured.count && predicted.count == resolutions.count)
        count = predicted.count
        rmse = Metrics.rmse(predicted, measured)
        mae = Metrics.mae(predicted, measured)
        kendallTau = Metrics.kendallTauB(predicted, measured)
        spearman = Metrics.spearman(predicted, measured)
        within5 = relativeShares ? Metrics.shareWithin(predicted, measured, tolerance: 0.05) : nil
        within10 = relativeShares ? Metrics.shareWithin(predicted, measured, tolerance: 0.10) : nil
        var groups: [Int: [Int]] = [:]
        for (i, r) in resolutions.enumerated() { groups[r, default: []].append(i) }
        perResolution = groups.mapValues { idx in
            let p = idx.map { predicted[$0] }, y = idx.map { measured[$0] }
            return Group(count: idx.count, rmse: Metrics.rmse(p, y), mae: Metrics.mae(p, y), kendallTau: Metrics.kendallTauB(p, y))
        }
    }

    /// The smallest within-resolution Kendall tau (NaN groups of one row ignored).
    public var minimumResolutionTau: Double {
        perResolution.values.map(\.kendallTau).filter { !$0.isNaN }.min() ?? .nan
    }

    /// `{"count", "rmse", "mae", "kendall_tau", "spearman", ["within_5pct", "within_10pct"], "per_resolution": {"128": {"count", "rmse", "mae", "kendall_tau"}}}`
    /// with values rounded to 5 significant decimals for stable output; an undefined metric
    /// (τ of one row or of constant values) is left out.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("count", .int(count)), ("rmse", .double(Self.round(rmse))), ("mae", .double(Self.round(mae))),
            ("kendall_tau", .double(Self.round(kendallTau))), ("spearman", .double(Self.round(spearman))),
        ]
        if let within5, let within10 {
            fields += [("within_5pct", .double(Self.round(within5))), ("within_10pct", .double(Self.round(within10)))]
        }
        fields.append(("per_resolution", .object(perResolution.keys.sorted().map { r in
            let g = perResolution[r]!
            return (String(r), .object([("count", .int(g.count)), ("rmse", .double(Self.round(g.rmse))),
                                        ("mae", .double(Self.round(g.mae))), ("kendall_tau", .double(Self.round(g.kendallTau)))]))
        })))
        // Kendall τ and Spearman of fewer than two rows, or of constant values, do not exist.
        return JSONValue.object(fields).omittingUndefinedNumbers
    }

    static func round(_ v: Double) -> Double { v.isFinite ? (v * 1e5).rounded() / 1e5 : v }
}
