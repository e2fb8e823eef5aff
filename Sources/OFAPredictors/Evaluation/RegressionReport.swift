import OFACore

/// The metrics of one predictor on one set of measurements, pooled and per resolution.
///
/// ```swift
/// let report = RegressionReport(predicted: p, measured: y, resolutions: rs, relativeShares: true)
/// print(report.rmse, report.perResolution[224]?.kendallTau ?? .nan)
/// report.json.rendered()
/// ```
@dynamicMemberLookup
public struct RegressionReport: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var count: Int
        public var rmse: Double
        /// Mean absolute error within the resolution, in the measured unit.
        public var mae: Double
        public var kendallTau: Double
    }

    public var count: Int
    /// RMSE, MAE, Kendall tau, Spearman and the shares over every row, read as the report's own
    /// (`report.rmse`).
    public var pooled: RegressionMetrics
    public var perResolution: [Int: Group]

    public init(predicted: [Double], measured: [Double], resolutions: [Int], relativeShares: Bool) {
        precondition(predicted.count == measured.count && predicted.count == resolutions.count)
        count = predicted.count
        pooled = RegressionMetrics(predicted: predicted, measured: measured, relativeShares: relativeShares)
        var groups: [Int: [Int]] = [:]
        for (i, r) in resolutions.enumerated() { groups[r, default: []].append(i) }
        perResolution = groups.mapValues { idx in
            let p = idx.map { predicted[$0] }, y = idx.map { measured[$0] }
            return Group(count: idx.count, rmse: Metrics.rmse(p, y), mae: Metrics.mae(p, y), kendallTau: Metrics.kendallTauB(p, y))
        }
    }

    public subscript<T>(dynamicMember metric: KeyPath<RegressionMetrics, T>) -> T { pooled[keyPath: metric] }

    /// The smallest within-resolution Kendall tau (NaN groups of one row ignored).
    public var minimumResolutionTau: Double {
        perResolution.values.map(\.kendallTau).filter { !$0.isNaN }.min() ?? .nan
    }

    /// `{"count", "rmse", "mae", "kendall_tau", "spearman", ["within_5pct", "within_10pct"], "per_resolution": {"128": {"count", "rmse", "mae", "kendall_tau"}}}`
    /// with values rounded to 5 significant decimals for stable output; an undefined metric
    /// (τ of one row or of constant values) is left out.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("count", .int(count))] + pooled.rounded.jsonFields
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

/// How well predictions agree with measurements over a set of rows: RMSE and MAE (in the
/// measured unit), Kendall tau-b, Spearman and, for latency, the shares within ±5% and ±10% of
/// the measurement. A ``RegressionReport`` computes it over every row; a model's provenance
/// records its cross-validation's, rounded (``XGBoostProvenance/Metrics``).
public struct RegressionMetrics: Codable, Sendable, Equatable {
    public var rmse: Double
    public var mae: Double
    public var kendallTau: Double
    public var spearman: Double
    /// Share within ±5% and ±10% of the measurement (latency only).
    public var within5: Double?
    public var within10: Double?

    enum CodingKeys: String, CodingKey {
        case rmse, mae, spearman, kendallTau = "kendall_tau", within5 = "within_5pct", within10 = "within_10pct"
    }

    public init(predicted: [Double], measured: [Double], relativeShares: Bool) {
        rmse = Metrics.rmse(predicted, measured)
        mae = Metrics.mae(predicted, measured)
        kendallTau = Metrics.kendallTauB(predicted, measured)
        spearman = Metrics.spearman(predicted, measured)
        within5 = relativeShares ? Metrics.shareWithin(predicted, measured, tolerance: 0.05) : nil
        within10 = relativeShares ? Metrics.shareWithin(predicted, measured, tolerance: 0.10) : nil
    }

    /// Every value rounded to 5 significant decimals, for stable output.
    public var rounded: RegressionMetrics {
        var r = self
        r.rmse = RegressionReport.round(rmse); r.mae = RegressionReport.round(mae)
        r.kendallTau = RegressionReport.round(kendallTau); r.spearman = RegressionReport.round(spearman)
        r.within5 = within5.map(RegressionReport.round); r.within10 = within10.map(RegressionReport.round)
        return r
    }

    /// `rmse`, `mae`, `kendall_tau`, `spearman` and, when both are set, `within_5pct` and
    /// `within_10pct`, in this order and as they are (not rounded).
    public var jsonFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("rmse", .double(rmse)), ("mae", .double(mae)),
                                             ("kendall_tau", .double(kendallTau)), ("spearman", .double(spearman))]
        if let within5, let within10 { fields += [("within_5pct", .double(within5)), ("within_10pct", .double(within10))] }
        return fields
    }
}
