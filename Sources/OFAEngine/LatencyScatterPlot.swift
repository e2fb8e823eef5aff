import Foundation
import OFACore

/// A hand-written SVG scatter plot of predicted (table sum, x) against measured (y) latency,
/// with ticks and labels on both axes, the y = x line and the ±10% band.
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

    /// Ticks at 1, 2 or 5 × 10^k covering [0, maximum].
    static func ticks(upTo maximum: Double) -> [Double] {
        guard maximum > 0 else { return [0] }
        let raw = maximum / 8
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return stride(from: 0, through: maximum + step * 0.001, by: step).map { $0 }
    }

    static func label(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%g", v)
    }

    public var svg: String {
        let (width, height) = (640.0, 560.0)
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 60.0)
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = max(predicted.max() ?? 1, measured.max() ?? 1)
        let ticks = Self.ticks(upTo: maxValue * 1.05)
        let limit = max(ticks.last ?? 1, maxValue * 1.05)
        func sx(_ v: Double) -> Double { left + v / limit * plotW }
        func sy(_ v: Double) -> Double { top + plotH - v / limit * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <defs><clipPath id="plot"><rect x="\(f(left))" y="\(f(top))" width="\(f(plotW))" height="\(f(plotH))"/></clipPath></defs>
        <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="14">\(title)</text>

        """
        // ±10% band: measured within [predicted/1.1, predicted/0.9].
        s += "<polygon clip-path=\"url(#plot)\" fill=\"#4c9be8\" fill-opacity=\"0.15\" points=\"\(f(sx(0))),\(f(sy(0))) \(f(sx(limit))),\(f(sy(limit / 1.1))) \(f(sx(limit))),\(f(sy(limit / 0.9)))\"/>\n"
        s += "<line clip-path=\"url(#plot)\" x1=\"\(f(sx(0)))\" y1=\"\(f(sy(0)))\" x2=\"\(f(sx(limit)))\" y2=\"\(f(sy(limit)))\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n"
        for t in ticks {
            s += "<line x1=\"\(f(sx(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(sx(t)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"black\"/>"
            s += "<text x=\"\(f(sx(t)))\" y=\"\(f(top + plotH + 19))\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
            s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(sy(t)))\" x2=\"\(f(left))\" y2=\"\(f(sy(t)))\" stroke=\"black\"/>"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(sy(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
            s += "<line x1=\"\(f(left))\" y1=\"\(f(sy(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(sy(t)))\" stroke=\"#eee\"/>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        for (p, m) in zip(predicted, measured) {
            let outside = abs(p - m) / m > 0.10
            s += "<circle cx=\"\(f(sx(p)))\" cy=\"\(f(sy(m)))\" r=\"3\" fill=\"\(outside ? "#d62728" : "#1f77b4")\" fill-opacity=\"0.7\"/>\n"
        }
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">predicted latency, sum of table entries (ms)</text>\n"
        s += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">measured end-to-end latency (ms)</text>\n"
        s += "<text x=\"\(f(left + 10))\" y=\"\(f(top + 18))\">dashed: y = x; band: ±10%; red: outside the band</text>\n"
        s += "</svg>\n"
        return s
    }
}
