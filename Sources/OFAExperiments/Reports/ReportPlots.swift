import OFACore
import OFAStrategies

/// The plots of a report, per part: accuracy against cost with each series' front and its best
/// subnet per target, and best-so-far accuracy against evaluations, one panel per target.
///
/// ```swift
/// for (name, svg) in ReportPlots(report: report).render() { try AtomicFile.write(svg, to: "plots/" + name) }
/// ```
public struct ReportPlots: Sendable {
    public var report: ExperimentReport

    public init(report: ExperimentReport) { self.report = report }

    /// (file name, SVG text) pairs.
    public func render() -> [(String, String)] {
        var out: [(String, String)] = []
        for part in report.index.parts {
            let series = plottedSeries(part: part.name)
            guard !series.isEmpty else { continue }
            let slug = SafeName.slug(part.name)
            let metric = report.metric(part: part.name)
            out.append(("\(slug)-accuracy-vs-\(metric == .latency ? "latency" : "macs").svg", frontFigure(part: part, series: series, metric: metric).render()))
            out.append(("\(slug)-best-so-far.svg", bestSoFarFigure(part: part, series: series, metric: metric).render()))
        }
        return out
    }

    /// Series drawn: all of a part's, except multi-target sweeps with fewer than the largest K.
    func plottedSeries(part: String) -> [ExperimentReport.Series] {
        let all = report.series(part: part)
        let maxK = all.filter { $0.multi != "none" }.map(\.k).max()
        return all.filter { $0.multi == "none" || $0.k == maxK }
    }

    func color(_ i: Int) -> String { SVGChart.palette[i % SVGChart.palette.count] }

    func costLabel(_ metric: EfficiencyMetric) -> String { metric == .latency ? "latency (ms)" : "MACs" }

    func frontFigure(part: PlanIndex.Part, series: [ExperimentReport.Series], metric: EfficiencyMetric) -> SVGFigure {
        var chart = SVGChart(title: "Top-1 vs \(metric == .latency ? "latency" : "MACs"): front of everything evaluated (line), best subnet per target and seed (dots)",
                             xLabel: costLabel(metric), yLabel: "predicted top-1 (%)")
        let targets = report.targets(part: part.name)
        var allPoints: [(x: Double, y: Double)] = []
        let order = series.indices.sorted { a, b in
            let ea = report.records(series[a]).first?.kind == .exhaustive, eb = report.records(series[b]).first?.kind == .exhaustive
            return ea != eb ? ea : a < b
        }
        for i in order {
            let s = series[i]
            let rs = report.records(s)
            let exhaustive = rs.first?.kind == .exhaustive
            let front = ParetoFront(report.fronts(s).flatMap(\.front.points)).members.map { (x: $0.efficiency, y: $0.accuracy * 100) }
            let best = rs.compactMap { r in r.accuracy.flatMap { a in r.efficiency.map { (x: $0, y: a * 100) } } }
            // A projected series searched on its proxy: its front is in the proxy's costs, its dots in the real ones.
            let name = report.isProjected(s) ? s.label + " (front in proxy costs, dots measured)" : s.label
            chart.series.append(.init(name: name, color: color(i), points: front, style: .step, width: exhaustive ? 3.2 : 1.6,
                                      opacity: exhaustive ? 0.6 : 1))
            chart.series.append(.init(name: name, color: color(i), points: best, style: .markers, opacity: 0.85, inLegend: false))
            allPoints += front + best
        }
        chart.verticalLines = targets.map { (x: $0, label: RunPlan.format($0, metric: metric) + (metric == .latency ? " ms" : "")) }
        if let lo = allPoints.map(\.x).min(), let hi = targets.max() {
            let xr = (lo - (hi - lo) * 0.05)...(hi + (hi - lo) * 0.15)
            chart.xRange = xr
            let ys = allPoints.filter { xr.contains($0.x) }.map(\.y)
            if let ylo = ys.min(), let yhi = ys.max(), yhi > ylo {
                let pad = (yhi - ylo) * 0.06
                chart.yRange = (ylo - pad)...(yhi + pad)
            }
        }
        return SVGFigure(title: part.name, panels: [chart], panelWidth: 760, panelHeight: 480)
    }

    func bestSoFarFigure(part: PlanIndex.Part, series: [ExperimentReport.Series], metric: EfficiencyMetric) -> SVGFigure {
        var panels: [SVGChart] = []
        for target in report.targets(part: part.name) {
            var chart = SVGChart(title: "target \(RunPlan.format(target, metric: metric))\(metric == .latency ? " ms" : " MACs")",
                                 xLabel: "evaluations (log scale)", yLabel: "best feasible top-1 (%)")
            chart.xScale = .log
            var finals: [Double] = [], all: [Double] = []
            let xs = report.records.filter { $0.part == part.name && $0.target == target }.flatMap { $0.bestSoFar.map(\.evaluations) }
            let minX = Double(max(xs.min() ?? 1, 1)), maxX = Double(max(xs.max() ?? 1, 1))
            for (i, s) in series.enumerated() {
                let rs = report.records(s).filter { $0.target == target }
                for (j, r) in rs.enumerated() {
                    var pts = r.bestSoFar.map { (x: Double(max($0.evaluations, 1)), y: $0.accuracy * 100) }
                    if r.kind == .exhaustive, let last = pts.last {
                        // The exhaustive optimum, as a reference level across the panel, and the
                        // point where extraction reached it.
                        chart.series.append(.init(name: s.label + " (optimum)", color: color(i), points: [(x: minX, y: last.y), (x: maxX, y: last.y)],
                                                  style: .line, width: 1.4, dashed: true, inLegend: j == 0))
                        chart.series.append(.init(name: s.label, color: color(i), points: [last], style: .markers, inLegend: false))
                        pts = []
                    }
                    if !pts.isEmpty {
                        chart.series.append(.init(name: s.label, color: color(i), points: pts, style: .step,
                                                  width: rs.count > 1 ? 1.2 : 1.8, opacity: rs.count > 1 ? 0.55 : 1, inLegend: j == 0))
                    }
                    if let last = r.bestSoFar.last { finals.append(last.accuracy * 100) }
                    all += r.bestSoFar.map { $0.accuracy * 100 }
                }
            }
            // Show the approach to the final values; the early climb is clipped at the bottom.
            if let lo = finals.min(), let hi = all.max() {
                let bottom = max(all.min() ?? lo, lo - max(2, (hi - lo) * 2))
                chart.yRange = (bottom - 0.05 * (hi - bottom))...(hi + 0.08 * (hi - bottom) + 0.01)
            }
            panels.append(chart)
        }
        let columns = min(panels.count, panels.count <= 4 ? 2 : (panels.count <= 6 ? 3 : 4))
        return SVGFigure(title: "\(part.name): best so far against evaluations", panels: panels, columns: max(columns, 1),
                         panelWidth: 460, panelHeight: 330)
    }
}
