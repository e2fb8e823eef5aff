import Foundation

/// `summary.csv`: one row per (part, space, strategy, multi-target mode, K, target) with the
/// statistics over seeds. Accuracy is a fraction (as in `runs.jsonl`); regret is in points.
///
/// ```swift
/// let text = SummaryCSV.render(report)
/// ```
public enum SummaryCSV {
    public static let header = [
        "part", "space", "strategy", "kind", "multi", "k", "target", "metric", "runs", "feasible",
        "accuracy_mean", "accuracy_std", "accuracy_best", "cost_mean", "seconds_mean", "seconds_std",
        "evaluations_mean", "unique_archs_mean", "speedup_time", "speedup_evaluations", "regret_points_mean", "optimum_hits",
    ]

    public static func render(_ report: ExperimentReport) -> String {
        var lines = [header.joined(separator: ",")]
        for part in report.index.parts {
            for c in report.cells(part: part.name) {
                let fields: [String] = [
                    c.series.part, c.series.space, c.series.strategy, c.kind.rawValue, c.series.multi, String(c.k),
                    number(c.target), part.metric, String(c.runs), String(c.feasible),
                    number(c.accuracy?.mean), number(c.accuracy?.std), number(c.best?.accuracy), number(c.efficiency?.mean),
                    number(c.seconds?.mean), number(c.seconds?.std), number(c.evaluations?.mean), number(c.unique?.mean),
                    number(c.speedupTime), number(c.speedupEvaluations), number(c.regret?.mean),
                    c.optimumHits.map(String.init) ?? "",
                ]
                lines.append(fields.map(escape).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// Quotes a field when it holds a comma, quote or newline (RFC 4180).
    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension ExperimentReport.Cell {
    var k: Int { series.k }
}
