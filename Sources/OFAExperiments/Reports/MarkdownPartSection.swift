import OFACore

extension MarkdownReport {
    /// One part of `report.md`, rendered section by section: its predictors, the totals over all
    /// targets (with projections and what the speedup is made of), the best accuracy per target
    /// in each space and the gaps between spaces, the fronts, the per-target tables and its plots.
    struct PartSection {
        let report: ExperimentReport
        let part: PlanIndex.Part
        let metric: EfficiencyMetric
        /// Whether the part has multi-target sweeps (then the tables have a mode column).
        let hasMulti: Bool

        init(report: ExperimentReport, part: PlanIndex.Part) {
            self.report = report
            self.part = part
            metric = report.metric(part: part.name)
            hasMulti = report.series(part: part.name).contains { $0.multi != "none" }
        }

        var unit: String { metric == .latency ? "ms" : "MACs" }
        /// The mode column's header and rule (empty without multi-target sweeps).
        var modeHeader: String { hasMulti ? " mode |" : "" }
        var modeRule: String { hasMulti ? "---|" : "" }

        /// The mode cell of a row (empty without multi-target sweeps).
        func mode(_ s: ExperimentReport.Series) -> String { hasMulti ? " \(modeLabel(s)) |" : "" }

        func render(plots: [String]) -> String {
            var md = intro()
            guard !report.series(part: part.name).isEmpty else { return md + "_No finished runs._\n\n" }
            let totals = report.totals(part: part.name)
            md += totalsTable(totals)
            md += projections(totals)
            md += hasMulti ? multiTargetSpeedups(totals) : anatomy(report, part: part.name, totals: totals)
            md += bestPerSpace()
            md += fronts(report, part: part.name, modeHeader: modeHeader, modeRule: modeRule, mode: mode)
            md += perTarget()
            return md + plotLinks(plots)
        }

        /// The part's title, notes, predictors and baseline.
        func intro() -> String {
            var md = "## \(part.name)\n\n"
            if let notes = part.notes { md += notes.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
            md += "Predictors: " + part.spaces.map { "\($0): accuracy `\(part.accuracy[$0] ?? "?")`, \(metric == .latency ? "latency" : "MACs") `\(part.efficiency[$0] ?? "?")`" }.joined(separator: "; ")
            md += ". Baseline: \(part.baselineSpace) · \(part.baselineStrategy).\n\n"
            return md
        }

        /// All targets together: each series' time, evaluations, cache hits and speedups.
        func totalsTable(_ totals: [ExperimentReport.Totals]) -> String {
            var md = "### All targets together\n\n"
            md += "Each run counted once (an exhaustive run serves every target from one enumeration; a multi-target sweep is one run).\n\n"
            md += "| space | strategy |\(modeHeader) seeds | time (s) | evaluations | unique archs | cache hits | speedup (time) | speedup (evaluations) |\n"
            md += "|---|---|\(modeRule)---:|---:|---:|---:|---:|---:|---:|\n"
            for t in totals {
                let hits = (t.evaluations?.mean).flatMap { e in t.unique.map { e > 0 ? 1 - $0.mean / e : 0 } }
                let hitCell = report.memoizes(t.series) ? hits.map { percent($0) } ?? "–" : "none (not memoized)"
                md += "| \(t.series.space) | \(strategyLabel(report, t.series)) |\(mode(t.series)) \(t.samples) | \(pm(t.seconds, digits: 3)) | \(pm(t.evaluations, digits: 0)) | \(pm(t.unique, digits: 0)) | \(hitCell) | \(ratio(t.speedupTime)) | \(ratio(t.speedupEvaluations)) |\n"
            }
            return md + "\n"
        }

        /// What a projected series' figures are (it searched on a proxy).
        func projections(_ totals: [ExperimentReport.Totals]) -> String {
            var md = ""
            for t in totals where report.isProjected(t.series) {
                let cost = report.records(t.series).compactMap { $0.projection?.secondsPerArchitecture }.first ?? .nan
                let scale = report.records(t.series).compactMap { $0.projection?.proxyScale }.first ?? 1
                md += "*projected*: \(t.series.label) ran its search on `\(part.projections?[t.series.space] ?? "a proxy")` instead of `\(part.efficiency[t.series.space] ?? "?")`, "
                md += "its costs scaled by \(String(format: "%.3f", scale)) (the median ratio of the real cost to the proxy's over the sampled subnets: the table's machine or load against this run's); "
                md += "its time is the search's own plus \(String(format: "%.3f", cost)) s (the real predictor's measured cost per architecture) for each distinct architecture it evaluated, "
                md += "and the costs shown for its best subnets are the real predictor's. Not a measurement of that search.\n\n"
            }
            return md
        }

        /// The best accuracy per target in each space, and the gap to the first space in one
        /// sentence per other space (best over strategies and seeds at each target).
        func bestPerSpace() -> String {
            let spaces = report.spaces(part: part.name)
            let rows = report.bestPerSpace(part: part.name)
            var md = "### Best accuracy per target in each space\n\n"
            md += "| target (\(unit)) | " + spaces.map { "\($0)" }.joined(separator: " | ")
            md += spaces.count > 1 ? " | " + spaces.dropFirst().map { "\($0) − \(spaces[0]) (points)" }.joined(separator: " | ") : ""
            md += " |\n|---:|" + String(repeating: "---:|", count: spaces.count + max(0, spaces.count - 1)) + "\n"
            for row in rows {
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
            for other in spaces.dropFirst() {
                let gaps = rows.compactMap { row -> Double? in
                    guard let a = row.best[other]?.accuracy, let b = row.best[spaces[0]]?.accuracy else { return nil }
                    return (a - b) * 100
                }
                guard let lo = gaps.min(), let hi = gaps.max() else { continue }
                md += "\(other) against \(spaces[0]): \(signed(lo)) to \(signed(hi)) points (mean \(signed(gaps.reduce(0, +) / Double(gaps.count)))) over \(gaps.count) target(s).\n"
            }
            if spaces.count > 1 { md += "\n" }
            return md
        }

        /// Per target: each series' accuracy, cost, time, evaluations, speedup (and regret against
        /// the exhaustive optimum where there is one). Multi-target parts show the sweeps over all
        /// K targets (smaller K are in the speedup table).
        func perTarget() -> String {
            var md = "### Per target\n\n"
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
                    md += row(c, hasRegret: hasRegret)
                }
                md += "\n"
            }
            return md
        }

        /// One row of a per-target table.
        func row(_ c: ExperimentReport.Cell, hasRegret: Bool) -> String {
            let acc = c.accuracy.map { a in c.runs > 1 ? "\(pct(a.mean)) ± \(String(format: "%.2f", a.std * 100))" : pct(a.mean) } ?? "infeasible"
            var md = "| \(c.series.space) | \(strategyLabel(report, c.series)) |\(mode(c.series)) \(c.runs)\(c.feasible < c.runs ? " (\(c.runs - c.feasible) infeasible)" : "") | \(acc) | \(c.best.map { pct($0.accuracy) } ?? "–") | \(c.efficiency.map { cost($0.mean, metric) } ?? "–") | \(pm(c.seconds, digits: 3)) | \(pm(c.evaluations, digits: 0)) | \(pm(c.unique, digits: 0)) | \(ratio(c.speedupTime)) |"
            if hasRegret {
                md += " \(c.regret.map { String(format: "%.3f", $0.mean) } ?? "–") | \(c.optimumHits.map { "\($0)/\(c.runs)" } ?? "–") |"
            }
            return md + "\n"
        }

        /// The part's plots (named after it).
        func plotLinks(_ plots: [String]) -> String {
            let slug = SafeName.slug(part.name) + "-"
            return plots.filter { $0.hasPrefix("plots/" + slug) }.map { "![\($0)](\($0))\n\n" }.joined()
        }
    }
}
