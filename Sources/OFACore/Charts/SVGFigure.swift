/// A complete SVG document: one or more ``SVGChart`` panels on a grid, a title and a legend
/// listing each series name once.
///
/// ```swift
/// let svg = SVGFigure(title: "Best so far", panels: charts, columns: 2).render()
/// ```
public struct SVGFigure: Sendable {
    public var title: String?
    public var panels: [SVGChart]
    public var columns: Int
    public var panelWidth: Double
    public var panelHeight: Double

    public init(title: String? = nil, panels: [SVGChart], columns: Int = 1, panelWidth: Double = 640, panelHeight: Double = 420) {
        self.title = title
        self.panels = panels
        self.columns = max(1, min(columns, panels.count))
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }

    public func render() -> String {
        // Legend entries: first appearance of each name, in order.
        var legend: [(name: String, color: String, style: SVGChart.Style, dashed: Bool)] = []
        for panel in panels {
            for s in panel.series where s.inLegend && !legend.contains(where: { $0.name == s.name }) {
                legend.append((s.name, s.color, s.style, s.dashed))
            }
        }
        let rows = (panels.count + columns - 1) / columns
        let width = Double(columns) * panelWidth
        let titleHeight = title == nil ? 0.0 : 30
        // Columns wide enough for the longest name (about 7 px a character at 12 px).
        let longest = Double(legend.map(\.name.count).max() ?? 10)
        let legendColumns = max(1, Int((width - 20) / max(200, 44 + 7 * longest)))
        let legendRows = (legend.count + legendColumns - 1) / legendColumns
        let legendHeight = legend.isEmpty ? 0 : Double(legendRows) * 20 + 16
        let height = titleHeight + Double(rows) * panelHeight + legendHeight

        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVGChart.coordinate(width))\" height=\"\(SVGChart.coordinate(height))\" viewBox=\"0 0 \(SVGChart.coordinate(width)) \(SVGChart.coordinate(height))\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        if let title {
            s += "<text x=\"\(SVGChart.coordinate(width / 2))\" y=\"21\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\" fill=\"#222222\" text-anchor=\"middle\">\(SVGChart.escape(title))</text>\n"
        }
        for (i, panel) in panels.enumerated() {
            let x = Double(i % columns) * panelWidth, y = titleHeight + Double(i / columns) * panelHeight
            s += panel.render(x: x, y: y, width: panelWidth, height: panelHeight, id: "p\(i)")
        }
        let ly = titleHeight + Double(rows) * panelHeight + 8
        let cellWidth = width / Double(legendColumns)
        for (i, entry) in legend.enumerated() {
            let x = 20 + Double(i % legendColumns) * cellWidth, y = ly + Double(i / legendColumns) * 20 + 10
            switch entry.style {
            case .markers:
                s += "<circle cx=\"\(SVGChart.coordinate(x + 12))\" cy=\"\(SVGChart.coordinate(y))\" r=\"4\" fill=\"\(entry.color)\"/>\n"
            case .line, .step:
                let dash = entry.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(SVGChart.coordinate(x))\" y1=\"\(SVGChart.coordinate(y))\" x2=\"\(SVGChart.coordinate(x + 24))\" y2=\"\(SVGChart.coordinate(y))\" stroke=\"\(entry.color)\" stroke-width=\"2.5\"\(dash)/>\n"
            }
            s += "<text x=\"\(SVGChart.coordinate(x + 30))\" y=\"\(SVGChart.coordinate(y + 4))\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#222222\">\(SVGChart.escape(entry.name))</text>\n"
        }
        s += "</svg>\n"
        return s
    }
}
