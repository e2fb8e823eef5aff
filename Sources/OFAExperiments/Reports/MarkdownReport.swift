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

        for part in report.index.parts {
            let metric = report.metric(part: part.name)
            let unit = metric == .latency ? "ms" : "MACs"
            md += "## \(part.name)\n\n"
            if let notes = part.notes { md += notes.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
            md += "Predictors: " + part.spaces.map { "\($0): accuracy `\(part.accuracy[$0] ?? "?")`, \(metric == .latency ? "latency" : "MACs") `\(part.efficiency[$0] ?? "?")`" }.joined(separator: "; ")
            md += ". Baseline: \(part.baselineSpace) · \(part.baselineStrategy).\n\n"
            guard !report.series(part: part.name).isEmpty else {
                md += "_No finished runs._\n\n"
                continue
            }

            // Totals.
            let totals = report.totals(part: part.name)
            let hasMulti = report.series(part: part.name).contains { $0.multi != "none" }
            func mode(_ s: ExperimentReport.Series) -> String { hasMulti ? " \(modeLabel(s)) |" : "" }
            let modeHeader = hasMulti ? " mode |" : "", modeRule = hasMulti ? "---|" : ""
            md += "### All targets together\n\n"
            md += "Each run counted once (an exhaustive run serves every target from one enumeration; a multi-target sweep is one run).\n\n"
            md += "| space | strategy |\(modeHeader) seeds | time (s) | evaluations | unique archs | cache hits | speedup (time) | speedup (evaluations) |\n"
            md += "|---|---|\(modeRule)---:|---:|---:|---:|---:|---:|---:|\n"
            for t in totals {
                let hits = (t.evaluations?.mean).flatMap { e in t.unique.map { e > 0 ? 1 - $0.mean / e : 0 } }
                let hitCell = report.memoizes(t.series) ? hits.map { percent($0) } ?? "–" : "none (not memoized)"
                md += "| \(t.series.space) | \(strategyLabel(report, t.series)) |\(mode(t.series)) \(t.samples) | \(pm(t.seconds, digits: 3)) | \(pm(t.evaluations, digits: 0)) | \(pm(t.unique, digits: 0)) | \(hitCell) | \(ratio(t.speedupTime)) | \(ratio(t.speedupEvaluations)) |\n"
            }
            md += "\n"
            for t in totals where report.isProjected(t.series) {
                let cost = report.records(t.series).compactMap { $0.projection?.secondsPerArchitecture }.first ?? .nan
                let scale = report.records(t.series).compactMap { $0.projection?.proxyScale }.first ?? 1
                md += "*projected*: \(t.series.label) ran its search on `\(part.projections?[t.series.space] ?? "a proxy")` instead of `\(part.efficiency[t.series.space] ?? "?")`, "
                md += "its costs scaled by \(String(format: "%.3f", scale)) (the median ratio of the real cost to the proxy's over the sampled subnets: the table's machine or load against this run's); "
                md += "its time is the search's own plus \(String(format: "%.3f", cost)) s (the real predictor's measured cost per architecture) for each distinct architecture it evaluated, "
                md += "and the costs shown for its best subnets are the real predictor's. Not a measurement of that search.\n\n"
            }
            md += hasMulti ? multiTargetSpeedups(totals) : anatomy(report, part: part.name, totals: totals)

            // Best per space.
            let spaces = report.spaces(part: part.name)
            md += "### Best accuracy per target in each space\n\n"
            md += "| target (\(unit)) | " + spaces.map { "\($0)" }.joined(separator: " | ")
            md += spaces.count > 1 ? " | " + spaces.dropFirst().map { "\($0) − \(spaces[0]) (points)" }.joined(separator: " | ") : ""
            md += " |\n|---:|" + String(repeating: "---:|", count: spaces.count + max(0, spaces.count - 1)) + "\n"
            for row in report.bestPerSpace(part: part.name) {
                md += "| \(RunPlan.format(row.target, metric: metric)) | "
                md += spaces.map { s in
                    row.best[s].map {
                        // A projected search picks its subnet with the proxy; the real cost may exceed the budget.
                        "\(pct($0.accuracy)) @ \(cost($0.efficiency, metric))\($0.efficiency > row.target ? " **over budget**" : "") (\($0.strategy))"
                    } ?? "–"
                }.joined(separator: " | ")
                if spaces.count > 1 {
                    md += " | " + spaces.dropFirst().map { s in
                        guard let a = row.best[s]?.accuracy, let b = row.best[spaces[0]]?.accuracy else { return "–" }
                        return signed((a - b) * 100)
                    }.joined(separator: " | ")
                }
                md += " |\n"
            }
            md += "\n"
            // The gap in one sentence per space (best over strategies and seeds at each target).
            let rows = report.bestPerSpace(part: part.name)
            for other in spaces.dropFirst() {
                let gaps = rows.compactMap { row -> Double? in
                    guard let a = row.best[other]?.accuracy, let b = row.best[spaces[0]]?.accuracy else { return nil }
                    return (a - b) * 100
                }
                guard let lo = gaps.min(), let hi = gaps.max() else { continue }
                md += "\(other) against \(spaces[0]): \(signed(lo)) to \(signed(hi)) points (mean \(signed(gaps.reduce(0, +) / Double(gaps.count)))) over \(gaps.count) target(s).\n"
            }
            if spaces.count > 1 { md += "\n" }

            md += fronts(report, part: part.name, modeHeader: modeHeader, modeRule: modeRule, mode: mode)

            // Per target.
            md += "### Per target\n\n"
            // Multi-target parts: the sweeps over all K targets (smaller K are in the speedup table).
            let maxK = report.series(part: part.name).filter { $0.multi != "none" }.map(\.k).max()
            if let maxK { md += "Sweeps over K = \(maxK) targets.\n\n" }
            let cells = report.cells(part: part.name).filter { c in maxK.map { c.series.multi == "none" || c.series.k == $0 } ?? true }
            let hasRegret = cells.contains { $0.regret != nil }
            for target in report.targets(part: part.name) {
                md += "**Target \(RunPlan.format(target, metric: metric)) \(unit)**\n\n"
                md += "| space | strategy |\(modeHeader) runs | top-1 (%) | best (%) | \(unit) | time (s) | evaluations | unique archs | speedup (time) |"
                md += hasRegret ? " regret (points) | found optimum |\n" : "\n"
                md += "|---|---|\(modeRule)---:|---:|---:|---:|---:|---:|---:|---:|" + (hasRegret ? "---:|---:|\n" : "\n")
                for c in cells where c.target == target {
                    let acc = c.accuracy.map { a in c.runs > 1 ? "\(pct(a.mean)) ± \(String(format: "%.2f", a.std * 100))" : pct(a.mean) } ?? "infeasible"
                    md += "| \(c.series.space) | \(strategyLabel(report, c.series)) |\(mode(c.series)) \(c.runs)\(c.feasible < c.runs ? " (\(c.runs - c.feasible) infeasible)" : "") | \(acc) | \(c.best.map { pct($0.accuracy) } ?? "–") | \(c.efficiency.map { cost($0.mean, metric) } ?? "–") | \(pm(c.seconds, digits: 3)) | \(pm(c.evaluations, digits: 0)) | \(pm(c.unique, digits: 0)) | \(ratio(c.speedupTime)) |"
                    if hasRegret {
                        md += " \(c.regret.map { String(format: "%.3f", $0.mean) } ?? "–") | \(c.optimumHits.map { "\($0)/\(c.runs)" } ?? "–") |"
                    }
                    md += "\n"
                }
                md += "\n"
            }
            let slug = SafeName.slug(part.name) + "-"
            for plot in plots where plot.hasPrefix("plots/" + slug) {
                md += "![\(plot)](\(plot))\n\n"
            }
        }
        return md + SurrogateSection.render(report)
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
