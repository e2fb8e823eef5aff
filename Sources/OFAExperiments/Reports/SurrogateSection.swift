import Foundation
import OFAStrategies

/// The report's section on surrogate-assisted runs: per part and strategy, how the loop spent its
/// truth evaluations, how well its surrogate predicted each batch before the batch was evaluated
/// (Kendall τ and RMSE over the first, middle and last third of the rounds), and where the time
/// went. Empty when the experiment has no such runs.
///
/// ```swift
/// md += SurrogateSection.render(report)
/// ```
enum SurrogateSection {
    static func render(_ report: ExperimentReport) -> String {
        guard !report.surrogateTraces.isEmpty else { return "" }
        var groupOf: [String: String] = [:]
        var order: [String] = []
        for r in report.records where groupOf[r.run] == nil {
            let key = "\(r.part) | \(r.strategy)"
            groupOf[r.run] = key
            if !order.contains(key) { order.append(key) }
        }
        var traces: [String: [SurrogateTrace]] = [:]
        for (run, trace) in report.surrogateTraces { if let g = groupOf[run] { traces[g, default: []].append(trace) } }
        var md = "## Surrogate-assisted runs\n\n"
        md += "Per run: truth evaluations of the initial design, rounds (a batch chosen on the surrogate, then evaluated), "
        md += "the surrogate's Kendall τ and RMSE (top-1 points) on each batch *before* it was evaluated, averaged over the "
        md += "first, middle and last third of the rounds, and the seconds spent fitting, searching on the surrogate and "
        md += "evaluating the truth (means over runs). The best-so-far plots show each target's best evaluated accuracy "
        md += "against truth evaluations.\n\n"
        md += "| part | strategy | runs | initial | rounds | τ (thirds) | RMSE pt (thirds) | fit s | inner s | truth s |\n"
        md += "|---|---|---:|---:|---:|---|---|---:|---:|---:|\n"
        for key in order {
            guard let ts = traces[key], !ts.isEmpty else { continue }
            let n = Double(ts.count)
            func mean(_ f: (SurrogateTrace) -> Double) -> Double { ts.map(f).reduce(0, +) / n }
            let thirds = (0..<3).map { k -> [SurrogateTrace.Round] in
                ts.flatMap { t in
                    let c = t.rounds.count
                    return Array(t.rounds[(k * c / 3)..<((k + 1) * c / 3)])
                }
            }
            let tau = thirds.map { rs -> String in
                let v = rs.compactMap(\.tau)
                return v.isEmpty ? "–" : String(format: "%.3f", v.reduce(0, +) / Double(v.count))
            }
            let rmse = thirds.map { rs in rs.isEmpty ? "–" : String(format: "%.3f", rs.map(\.rmse).reduce(0, +) / Double(rs.count)) }
            md += "| \(key) | \(ts.count) | \(String(format: "%.0f", mean { Double($0.initial) })) | "
            md += "\(String(format: "%.1f", mean { Double($0.rounds.count) })) | \(tau.joined(separator: " / ")) | \(rmse.joined(separator: " / ")) | "
            md += String(format: "%.2f | %.2f | %.2f |\n", mean(\.fitSeconds), mean(\.innerSeconds), mean(\.truthSeconds))
        }
        return md + "\n"
    }
}
