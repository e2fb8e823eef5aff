/// Agreement between predictions and measurements: the metrics every predictor evaluation in
/// ofasearch reports.
///
/// ```swift
/// Metrics.rmse([1, 2, 3], [1, 2, 4])          // 0.577…
/// Metrics.kendallTauB([1, 2, 2], [1, 2, 3])   // tau-b, ties handled
/// ```
public enum Metrics {
    /// Root mean squared error (in the values' unit).
    public static func rmse(_ predicted: [Double], _ measured: [Double]) -> Double {
        precondition(predicted.count == measured.count)
        guard !predicted.isEmpty else { return .nan }
        var s = 0.0
        for i in predicted.indices { let d = predicted[i] - measured[i]; s += d * d }
        return (s / Double(predicted.count)).squareRoot()
    }

    /// Mean absolute error.
    public static func mae(_ predicted: [Double], _ measured: [Double]) -> Double {
        precondition(predicted.count == measured.count)
        guard !predicted.isEmpty else { return .nan }
        var s = 0.0
        for i in predicted.indices { s += abs(predicted[i] - measured[i]) }
        return s / Double(predicted.count)
    }

    /// Kendall's tau-b: (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)), where n₁ and n₂ count
    /// the pairs tied in the first and in the second list. NaN when either list is constant or
    /// there are fewer than two values. O(n²): evaluation sets are a few thousand rows.
    public static func kendallTauB(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = x.count
        guard n >= 2 else { return .nan }
        var s = 0, pairsX = 0, pairsY = 0   // pairsX: pairs not tied in x
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for i in 0..<(n - 1) {
                    let xi = x[i], yi = y[i]
                    for j in (i + 1)..<n {
                        let dx = x[j] - xi, dy = y[j] - yi
                        let sx = dx > 0 ? 1 : (dx < 0 ? -1 : 0)
                        let sy = dy > 0 ? 1 : (dy < 0 ? -1 : 0)
                        s += sx * sy
                        pairsX += sx & 1
                        pairsY += sy & 1
                    }
                }
            }
        }
        guard pairsX > 0, pairsY > 0 else { return .nan }
        return Double(s) / (Double(pairsX) * Double(pairsY)).squareRoot()
    }

    /// Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing
    /// their average rank.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        guard x.count >= 2 else { return .nan }
        return pearson(ranks(x), ranks(y))
    }

    /// Pearson's correlation coefficient; NaN when either list is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return .nan }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Ranks 1...n, ties given the mean of the ranks they span.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
        var out = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, x[order[j + 1]] == x[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { out[order[k]] = rank }
            i = j + 1
        }
        return out
    }

    /// Share of predictions within ±`tolerance` (relative, e.g. 0.1 for ±10%) of the measurement.
    public static func shareWithin(_ predicted: [Double], _ measured: [Double], tolerance: Double) -> Double {
        precondition(predicted.count == measured.count)
        guard !predicted.isEmpty else { return .nan }
        var hits = 0
        for i in predicted.indices where abs(predicted[i] - measured[i]) <= tolerance * abs(measured[i]) { hits += 1 }
        return Double(hits) / Double(predicted.count)
    }

    /// Share of relative errors within ±`tolerance` (|error| ≤ tolerance); NaN for none.
    public static func shareWithin(relativeErrors: [Double], tolerance: Double) -> Double {
        Double(relativeErrors.filter { abs($0) <= tolerance }.count) / Double(relativeErrors.count)
    }

    /// The median (the mean of the two middle values for an even count); NaN for none.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
}
