import Foundation
import OFACore

/// A scatter plot of predicted (table sum, x) against measured (y) latency, drawn with the
/// library's one chart (``SVGChart``, ``SVGFigure``): the points (red outside ±10%), the y = x
/// line and the edges of the ±10% band.
///
/// ```swift
/// let svg = LatencyScatterPlot(predicted: p, measured: m, title: "ofa-mbv3-w1.0").svg
/// ```
public struct LatencyScatterPlot: Sendable {
    public let predicted: [Double], measured: [Double]
    public let title: String

    public init(predicted: [Double], measured: [Double], title: String) {
        self.predicted = predicted; self.measured = measured; self.title = title
    }

    /// The chart: both axes from 0 to 5% above the largest latency.
    public var chart: SVGChart {
        let limit = max(predicted.max() ?? 1, measured.max() ?? 1) * 1.05
        var chart = SVGChart(title: title, xLabel: "predicted latency, sum of table entries (ms)",
                             yLabel: "measured end-to-end latency (ms)")
        chart.xRange = 0...limit
        chart.yRange = 0...limit
        // Measured within [predicted / 1.1, predicted / 0.9] is inside the band.
        let points = zip(predicted, measured).map { (x: $0, y: $1) }
        let outside = points.filter { abs($0.x - $0.y) / $0.y > 0.10 }
        let inside = points.filter { abs($0.x - $0.y) / $0.y <= 0.10 }
        chart.series = [
            .init(name: "y = x", color: "#333333", points: [(0, 0), (limit, limit)], style: .line, width: 1, dashed: true),
            .init(name: "±10%", color: "#4c9be8", points: [(0, 0), (limit, limit / 1.1)], style: .line, width: 1),
            .init(name: "±10%", color: "#4c9be8", points: [(0, 0), (limit, limit / 0.9)], style: .line, width: 1, inLegend: false),
            .init(name: "within ±10%", color: "#1f77b4", points: inside, style: .markers, opacity: 0.7),
            .init(name: "outside ±10%", color: "#d62728", points: outside, style: .markers, opacity: 0.7),
        ]
        return chart
    }

    public var svg: String { SVGFigure(panels: [chart], panelWidth: 640, panelHeight: 560).render() }
}
