import Foundation
import OFACore

/// `report.md`: per part, totals over all targets with speedups against the baseline and what
/// they are made of, the best accuracy per target in each space, per-target tables (accuracy
/// mean ± std, cost, time, evaluations, unique architectures, speedup, regret against the
/// exhaustive optimum) and the plots.
///
/// ```swift
/// let markdown = MarkdownReport.render(report, plots: ["plots/main-best-so-far.svg"])
/// ```
public enum MarkdownReport {
    public static func render(_ report: ExperimentReport, plots: [String]) -> String {
        var md = header(report)
        for part in report.index.parts {
            md += PartSection(report: report, part: part).render(plots: plots)
        }
        return md + SurrogateSection.render(report)
    }

    /// The title, the description, what finished, tables from another CPU and how to read the numbers.
    static func header(_ report: ExperimentReport) -> String {
        var md = "# \(report.index.name)\n\n"
        if let d = report.index.description { md += d.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
        let finished = Set(report.records.map(\.run)).count
        md += "Manifest `\(report.index.source)` (fingerprint `\(report.index.fingerprint)`): \(finished) of \(report.index.runs.count) runs finished."
        if !report.missing.isEmpty {
            let shown = report.missing.prefix(10).map { "`\($0)`" }.joined(separator: ", ")
            md += " **Incomplete** — missing: \(shown)\(report.missing.count > 10 ? " and \(report.missing.count - 10) more" : "")."
        }
        for table in report.index.foreignTables ?? [] {
            // Costs from another machine's table are that machine's: say so where results are read.
            md += "\n\n**Latency table from another CPU**: `\(table.table)` was profiled on \(table.tableCPU); these runs ran on \(table.thisCPU). "
            md += "Its milliseconds are that CPU's, not this machine's (`ofasearch lut profile` makes a table of the machine at hand)."
        }
        md += "\n\nAccuracy is the predictor's top-1 in %; times are wall-clock seconds of the search itself "
        md += "(predictor loading excluded); mean ± sample standard deviation over seeds where there are several. "
        md += "Speedup = baseline ÷ this (time or evaluations).\n\n"
        return md
    }

    /// The fronts section: per series, the size and hypervolume of the front of everything each
    /// seed's runs evaluated, over the part's target range (`fronts.jsonl` holds the points).
    static func fronts(_ report: ExperimentReport, part: String, modeHeader: String, modeRule: String,
                       mode: (ExperimentReport.Series) -> String) -> String {
        let summaries = report.frontSummaries(part: part)
        guard !summaries.isEmpty else { return "" }
        let metric = report.metric(part: part)
        let reference = report.frontReference(part: part)
        func cost(_ x: Double) -> String { RunPlan.format(x, metric: metric) }
        let window = reference.minCost.isFinite ? "[\(cost(reference.minCost)), \(cost(reference.maxCost))] \(metric.unit)"
                                                : "up to \(cost(reference.maxCost)) \(metric.unit)"
        // MACs hypervolumes are stated in millions of MACs, so the numbers stay readable.
        let scale = metric == .macs ? 1e-6 : 1
        var md = "### Fronts\n\n"
        md += "The Pareto front of everything each seed's runs evaluated (`fronts.jsonl` holds each run's, with its subnets), "
        md += "and its hypervolume over \(window), top-1 above \(String(format: "%.2f", reference.minAccuracy)) "
        md += "(\(metric == .macs ? "millions of MACs" : metric.unit) × top-1 fraction; docs/front.md).\n\n"
        md += "| space | strategy |\(modeHeader) seeds | front points | hypervolume |\n|---|---|\(modeRule)---:|---:|---:|\n"
        for f in summaries {
            let hv = f.hypervolume?.scaled(by: scale)
            md += "| \(f.series.space) | \(strategyLabel(report, f.series)) |\(mode(f.series)) \(f.samples) | \(pm(f.points, digits: 0)) | "
            md += "\(pm(hv, digits: 4))\(f.projected ? " (proxy costs)" : "") |\n"
        }
        return md + "\n"
    }

    /// Multi-target parts: per K, each warm-started mode's speedup over independent search, in
    /// time and in evaluations (as the paper reports it, here as means over seeds).
    static func multiTargetSpeedups(_ totals: [ExperimentReport.Totals]) -> String {
        let ks = totals.map(\.series.k).reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        let modes = totals.map(\.series.multi).filter { $0 != "independent" && $0 != "none" }
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !modes.isEmpty else { return "" }
        var md = "**Speedup over independent search by number of targets K** (time; evaluations in parentheses):\n\n"
        md += "| K | independent time (s) | " + modes.joined(separator: " | ") + " |\n|---:|---:|" + String(repeating: "---:|", count: modes.count) + "\n"
        for k in ks {
            let base = totals.first { $0.series.k == k && $0.series.multi == "independent" }
            md += "| \(k) | \(pm(base?.seconds, digits: 3)) | "
            md += modes.map { m in
                guard let t = totals.first(where: { $0.series.k == k && $0.series.multi == m }) else { return "–" }
                return "\(ratio(t.speedupTime)) (\(ratio(t.speedupEvaluations)))"
            }.joined(separator: " | ") + " |\n"
        }
        return md + "\n"
    }

    /// "What the speedup is made of": for each series faster than the baseline, the time ratio
    /// split into predictions made × time per prediction, and the baseline's cache hits (a
    /// series with `memoize: false` predicts every evaluation).
    static func anatomy(_ report: ExperimentReport, part: String, totals: [ExperimentReport.Totals]) -> String {
        var lines: [String] = []
        let exhaustiveCost = totals.first { $0.kind == .exhaustive }.flatMap { e -> Double? in
            guard let s = e.seconds?.mean, let u = e.unique?.mean, u > 0 else { return nil }
            return s / u
        }
        for t in totals {
            guard let b = report.baseline(for: t.series), b != t.series, let base = totals.first(where: { $0.series == b }),
                  let st = t.speedupTime, let se = t.speedupEvaluations,
                  let bs = base.seconds?.mean, let be = base.evaluations?.mean, let bu = base.unique?.mean,
                  let ts = t.seconds?.mean, let te = t.evaluations?.mean, let tu = t.unique?.mean, te > 0, be > 0 else { continue }
            let baseMemo = report.memoizes(b), memo = report.memoizes(t.series)
            // Predictions actually made: distinct architectures with a cache, every evaluation without.
            let bp = baseMemo ? bu : be, tp = memo ? tu : te
            let perBase = bs / max(bp, 1), per = ts / max(tp, 1)
            var line = "- **\(t.series.label)** vs **\(b.label)**: " + (st >= 1 ? "\(ratio(st)) less time " : "\(ratio(1 / st)) more time ")
            line += "(\(String(format: "%.3f", bs)) s → \(String(format: "%.3f", ts)) s). "
            line += "Evaluations \(count(be)) → \(count(te))" + (se == 1 ? ". " : " (\(ratio(se)) fewer). ")
            if baseMemo {
                line += "Memoization: \(percent(1 - bu / be)) of the baseline's evaluations were cache hits, so it predicted \(count(bu)) distinct architectures"
                line += bu > 0 ? " (\(ratio(be / bu)) saved by the cache)" : ""
            } else {
                line += "The baseline is not memoized (as OFA's and CompOFA's published search code): it predicted all \(count(be)) evaluations, of \(count(bu)) distinct architectures"
            }
            line += memo ? "; this series predicted \(count(tu)) (\(percent(te > 0 ? 1 - tu / te : 0)) cache hits). " : "; this series predicted all \(count(te)) (not memoized). "
            line += "The time ratio is \(ratio(bp / max(tp, 1))) in the number of predictions × \(ratio(perBase / per)) in time per prediction "
            line += "(\(micro(perBase)) → \(micro(per)); a search's figure includes its sampling, mutation, crossover and bookkeeping). "
            // A projection for a search without a cache (as OFA's and CompOFA's published scripts
            // run): every evaluation predicted, at the pure batched prediction cost measured by an
            // exhaustive run of the same part (the cheapest per-prediction cost there is).
            // Not with a projected baseline: there the real predictor (e.g. measuring) dominates
            // the exhaustive run's time, so its time per prediction is no batched MLP cost.
            if t.kind == .exhaustive, baseMemo, !report.isProjected(b), let pure = exhaustiveCost, be > bu {
                let projected = be * pure
                line += "Without memoization (OFA's and CompOFA's published search predicts every evaluation) the baseline would make \(count(be)) predictions: "
                line += "at the pure batched cost measured by exhaustive extraction (\(micro(pure)) each) that is ≥ \(String(format: "%.2f", projected)) s, "
                line += "≥ \(ratio(projected / ts)) this series' time (a lower-bound projection, not a measurement). "
            }
            if t.kind == .exhaustive {
                let k = report.records(t.series).map(\.k).max() ?? 1
                line += "Exhaustive extraction prices every subnet of the space, predicts the accuracy of each one within the largest target once, in large batches, and reads the best under each of the \(k) target(s) off the same predictions."
            }
            lines.append(line)
        }
        guard !lines.isEmpty else { return "" }
        return "**What the speedup is made of.**\n\n" + lines.joined(separator: "\n") + "\n\n"
    }

    static func count(_ v: Double) -> String {
        let n = Int(v.rounded())
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 { digits.insert(",", at: i); i -= 3 }
        return String(digits)
    }
    static func strategyLabel(_ report: ExperimentReport, _ s: ExperimentReport.Series) -> String {
        report.isProjected(s) ? "\(s.strategy) *(projected)*" : s.strategy
    }
    static func modeLabel(_ s: ExperimentReport.Series) -> String { s.multi == "none" ? "single" : "\(s.multi) K=\(s.k)" }
    static func pct(_ fraction: Double) -> String { String(format: "%.2f", fraction * 100) }
    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
    static func signed(_ v: Double) -> String { String(format: "%+.2f", v) }
    static func micro(_ seconds: Double) -> String {
        seconds >= 1e-3 ? String(format: "%.2f ms", seconds * 1e3) : String(format: "%.1f µs", seconds * 1e6)
    }
    static func cost(_ v: Double, _ metric: EfficiencyMetric) -> String {
        metric == .latency ? String(format: "%.2f", v) : String(format: "%.1fM", v / 1e6)
    }
    static func ratio(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        return v >= 100 ? String(format: "%.0f×", v) : v >= 10 ? String(format: "%.1f×", v) : String(format: "%.2f×", v)
    }
    static func pm(_ s: Stats?, digits: Int) -> String {
        guard let s else { return "–" }
        func n(_ v: Double) -> String {
            digits == 0 ? count(v) : (v >= 100 ? String(format: "%.1f", v) : String(format: "%.\(digits)f", v))
        }
        return s.count > 1 && s.std > 0 ? "\(n(s.mean)) ± \(n(s.std))" : n(s.mean)
    }
}
