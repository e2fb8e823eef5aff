import Foundation

/// A hand-written SVG chart panel: axes with ticks and labels, a title, lines, steps and markers,
/// dashed reference lines. Several panels and a shared legend make an ``SVGFigure``.
///
/// ```swift
/// var chart = SVGChart(title: "25 ms", xLabel: "evaluations", yLabel: "top-1 (%)")
/// chart.xScale = .log
/// chart.series.append(.init(name: "evolutionary", color: SVGChart.palette[0], points: [(100, 70), (5000, 78)], style: .step))
/// let svg = SVGFigure(panels: [chart]).render()
/// ```
public struct SVGChart: Sendable {
    public enum Scale: Sendable { case linear, log }

    public enum Style: Sendable {
        /// Straight segments between points.
        case line
        /// A staircase (the value holds until the next point).
        case step
        /// Points only.
        case markers
    }

    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        public var style: Style
        public var width: Double = 1.8
        public var opacity: Double = 1
        public var dashed = false
        /// Whether the figure's legend lists it (repeated runs of one series list it once).
        public var inLegend = true

        public init(name: String, color: String, points: [(x: Double, y: Double)], style: Style, width: Double = 1.8,
                    opacity: Double = 1, dashed: Bool = false, inLegend: Bool = true) {
            self.name = name
            self.color = color
            self.points = points
            self.style = style
            self.width = width
            self.opacity = opacity
            self.dashed = dashed
            self.inLegend = inLegend
        }
    }

    /// Colour-blind-safe palette (Okabe–Ito, then greys).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#999999"]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale = .linear
    public var series: [Series] = []
    /// Dashed vertical reference lines (e.g. budgets), with a short label.
    public var verticalLines: [(x: Double, label: String)] = []
    /// Fixed ranges; nil fits the data.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    // MARK: Layout

    static let margin = (left: 62.0, right: 16.0, top: 30.0, bottom: 46.0)

    func dataRanges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let xs = series.flatMap { $0.points.map(\.x) }.filter { $0.isFinite && (xScale == .linear || $0 > 0) }
            + verticalLines.map(\.x)
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        var x = xRange ?? ((xs.min() ?? 0)...(xs.max() ?? 1))
        var y = yRange ?? ((ys.min() ?? 0)...(ys.max() ?? 1))
        if x.lowerBound == x.upperBound { x = (x.lowerBound - 1)...(x.upperBound + 1) }
        if y.lowerBound == y.upperBound { y = (y.lowerBound - 1)...(y.upperBound + 1) }
        if xRange == nil && xScale == .linear {
            let pad = (x.upperBound - x.lowerBound) * 0.04
            x = (x.lowerBound - pad)...(x.upperBound + pad)
        }
        if xScale == .log {
            x = Swift.max(x.lowerBound, 1e-9)...Swift.max(x.upperBound, x.lowerBound * 10)
            if xRange == nil { x = (x.lowerBound / 1.3)...(x.upperBound * 1.3) }
        }
        if yRange == nil {
            let pad = (y.upperBound - y.lowerBound) * 0.06
            y = (y.lowerBound - pad)...(y.upperBound + pad)
        }
        return (x, y)
    }

    /// The panel's SVG elements, drawn in the box (`x`, `y`, `width`, `height`); `id` keeps its
    /// clip path unique within the document.
    func render(x ox: Double, y oy: Double, width: Double, height: Double, id: String) -> String {
        let m = Self.margin
        let plotX = ox + m.left, plotY = oy + m.top
        let plotW = width - m.left - m.right, plotH = height - m.top - m.bottom
        let (xr, yr) = dataRanges()
        func tx(_ v: Double) -> Double {
            switch xScale {
            case .linear: plotX + (v - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW
            case .log: plotX + (log10(v) - log10(xr.lowerBound)) / (log10(xr.upperBound) - log10(xr.lowerBound)) * plotW
            }
        }
        func ty(_ v: Double) -> Double { plotY + plotH - (v - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * plotH }

        var s = "<g>\n"
        s += "<clipPath id=\"clip-\(id)\"><rect x=\"\(Self.coordinate(plotX))\" y=\"\(Self.coordinate(plotY))\" width=\"\(Self.coordinate(plotW))\" height=\"\(Self.coordinate(plotH))\"/></clipPath>\n"
        s += "<rect x=\"\(Self.coordinate(plotX))\" y=\"\(Self.coordinate(plotY))\" width=\"\(Self.coordinate(plotW))\" height=\"\(Self.coordinate(plotH))\" fill=\"#ffffff\" stroke=\"#444444\" stroke-width=\"1\"/>\n"
        // Grid and ticks.
        let xTicks = xScale == .log ? Self.logTicks(xr) : Self.niceTicks(xr)
        for t in xTicks where xr.contains(t) {
            let px = tx(t)
            s += "<line x1=\"\(Self.coordinate(px))\" y1=\"\(Self.coordinate(plotY))\" x2=\"\(Self.coordinate(px))\" y2=\"\(Self.coordinate(plotY + plotH))\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>\n"
            s += "<line x1=\"\(Self.coordinate(px))\" y1=\"\(Self.coordinate(plotY + plotH))\" x2=\"\(Self.coordinate(px))\" y2=\"\(Self.coordinate(plotY + plotH + 5))\" stroke=\"#444444\"/>\n"
            s += text(Self.tickLabel(t, scale: xScale, ticks: xTicks), x: px, y: plotY + plotH + 17, anchor: "middle", size: 11)
        }
        let yTicks = Self.niceTicks(yr)
        for t in yTicks where yr.contains(t) {
            let py = ty(t)
            s += "<line x1=\"\(Self.coordinate(plotX))\" y1=\"\(Self.coordinate(py))\" x2=\"\(Self.coordinate(plotX + plotW))\" y2=\"\(Self.coordinate(py))\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>\n"
            s += "<line x1=\"\(Self.coordinate(plotX - 5))\" y1=\"\(Self.coordinate(py))\" x2=\"\(Self.coordinate(plotX))\" y2=\"\(Self.coordinate(py))\" stroke=\"#444444\"/>\n"
            s += text(Self.tickLabel(t, scale: .linear, ticks: yTicks), x: plotX - 8, y: py + 4, anchor: "end", size: 11)
        }
        // Reference lines.
        for line in verticalLines where xr.contains(line.x) {
            let px = tx(line.x)
            s += "<line x1=\"\(Self.coordinate(px))\" y1=\"\(Self.coordinate(plotY))\" x2=\"\(Self.coordinate(px))\" y2=\"\(Self.coordinate(plotY + plotH))\" stroke=\"#888888\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n"
            s += text(line.label, x: px + 3, y: plotY + 12, anchor: "start", size: 10, color: "#666666")
        }
        // Data, clipped to the plot area.
        s += "<g clip-path=\"url(#clip-\(id))\">\n"
        for series in self.series {
            let pts = series.points.filter { $0.x.isFinite && $0.y.isFinite && (xScale == .linear || $0.x > 0) }
            guard !pts.isEmpty else { continue }
            let opacity = series.opacity < 1 ? " stroke-opacity=\"\(Self.coordinate(series.opacity))\"" : ""
            switch series.style {
            case .line, .step:
                var d = ""
                for (i, p) in pts.enumerated() {
                    if i == 0 { d += "M\(Self.coordinate(tx(p.x))),\(Self.coordinate(ty(p.y)))" } else if series.style == .step {
                        d += " H\(Self.coordinate(tx(p.x))) V\(Self.coordinate(ty(p.y)))"
                    } else {
                        d += " L\(Self.coordinate(tx(p.x))),\(Self.coordinate(ty(p.y)))"
                    }
                }
                let dash = series.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"\(Self.coordinate(series.width))\"\(opacity)\(dash)/>\n"
                if pts.count == 1 {
                    s += "<circle cx=\"\(Self.coordinate(tx(pts[0].x)))\" cy=\"\(Self.coordinate(ty(pts[0].y)))\" r=\"2.5\" fill=\"\(series.color)\"/>\n"
                }
            case .markers:
                for p in pts {
                    s += "<circle cx=\"\(Self.coordinate(tx(p.x)))\" cy=\"\(Self.coordinate(ty(p.y)))\" r=\"4\" fill=\"\(series.color)\" fill-opacity=\"\(Self.coordinate(series.opacity))\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n"
                }
            }
        }
        s += "</g>\n"
        // Labels.
        s += text(title, x: plotX + plotW / 2, y: oy + 18, anchor: "middle", size: 13, weight: "bold")
        s += text(xLabel, x: plotX + plotW / 2, y: oy + height - 8, anchor: "middle", size: 12)
        let ly = plotY + plotH / 2
        s += "<text x=\"\(Self.coordinate(ox + 14))\" y=\"\(Self.coordinate(ly))\" font-family=\"sans-serif\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 \(Self.coordinate(ox + 14)) \(Self.coordinate(ly)))\">\(Self.escape(yLabel))</text>\n"
        s += "</g>\n"
        return s
    }

    // MARK: Ticks

    /// About six round ticks (1, 2, 2.5, 5 × 10^k) covering `range`.
    static func niceTicks(_ range: ClosedRange<Double>, count: Int = 6) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = ceil(range.lowerBound / step) * step
        var out: [Double] = []
        while t <= range.upperBound + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    /// Decades (and 2×, 5× when the range spans few decades).
    static func logTicks(_ range: ClosedRange<Double>) -> [Double] {
        let lo = Int(floor(log10(range.lowerBound))), hi = Int(ceil(log10(range.upperBound)))
        let multipliers: [Double] = hi - lo <= 3 ? [1, 2, 5] : [1]
        var out: [Double] = []
        for e in lo...hi { for m in multipliers { out.append(m * pow(10, Double(e))) } }
        return out.filter(range.contains)
    }

    static func tickLabel(_ v: Double, scale: Scale, ticks: [Double]) -> String {
        if scale == .log || abs(v) >= 10_000 {
            for (div, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where abs(v) >= div {
                return trimmed(v / div, decimals: 1) + suffix
            }
            return trimmed(v, decimals: 0)
        }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        // As many decimals as the step needs (2.5 → 1, 0.25 → 2).
        let decimals = (0...4).first { d in
            let scaled = step * pow(10, Double(d))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled)
        } ?? 4
        return trimmed(v, decimals: decimals)
    }

    static func trimmed(_ v: Double, decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    // MARK: Text

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Coordinates with two decimals: compact and deterministic.
    static func coordinate(_ v: Double) -> String { trimmed(v, decimals: 2) }

    func text(_ s: String, x: Double, y: Double, anchor: String, size: Int, weight: String = "normal", color: String = "#222222") -> String {
        "<text x=\"\(Self.coordinate(x))\" y=\"\(Self.coordinate(y))\" font-family=\"sans-serif\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"\(color)\" text-anchor=\"\(anchor)\">\(Self.escape(s))</text>\n"
    }
}
