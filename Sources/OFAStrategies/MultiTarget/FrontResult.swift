import Foundation
import OFACore

/// The accuracy–cost trade-off a search found, as one result: the Pareto front of everything it
/// evaluated (once), each target's answer as an index into that front, and the front's
/// hypervolume with the reference it was computed against. `ofasearch search --multi nsga2`
/// always prints it, every other search with `--front`; `--front-csv` and `--plot` write it.
///
/// JSON (docs/front.md): `{"size", "hypervolume": {"value", "min_accuracy", "min_<metric>",
/// "max_<metric>"}, "points": [{"accuracy", "<metric>", "arch"}, ...]}`, points cheapest first;
/// each result beside it carries `front_index` (null when the answer is not on the front: an
/// independent search's answer that another target's search beat at the same budget).
///
/// ```swift
/// let ref = FrontResult.reference(targets: [15, 20, 60])          // window [15, 60], accuracy 0.70
/// let front = FrontResult(points: out.front, answers: [(15, a15), (20, a20), (60, a60)], metric: .latency, reference: ref)
/// front.frontIndex      // [3, 7, 41]
/// front.hypervolume     // Hypervolume.area(of: front.points, reference: ref)
/// print(front.json.rendered(indent: 2)); try front.csv.write(toFile: "front.csv", atomically: true, encoding: .utf8)
/// ```
public struct FrontResult: Sendable {
    public var metric: EfficiencyMetric
    /// The Pareto front of everything evaluated, cheapest (and least accurate) first.
    public var points: [Candidate]
    /// The targets, in the order given, and each one's answer.
    public var targets: [Double]
    public var answers: [Candidate]
    /// Index in ``points`` of each answer (nil: not on the front).
    public var frontIndex: [Int?]
    public var reference: Hypervolume.Reference
    /// ``Hypervolume/area(of:reference:)`` of ``points``.
    public var hypervolume: Double

    /// The lowest accuracy the default reference counts (top-1 as a fraction): the issue's
    /// window hypervolume counts accuracy above 70%.
    public static let defaultMinAccuracy = 0.70

    /// The default reference: costs from the smallest to the largest target (one target: no
    /// floor, up to it), accuracy above ``defaultMinAccuracy``.
    public static func reference(targets: [Double], minAccuracy: Double = defaultMinAccuracy) -> Hypervolume.Reference {
        let lo = targets.min() ?? -.infinity, hi = targets.max() ?? .infinity
        return Hypervolume.Reference(maxCost: hi, minAccuracy: minAccuracy, minCost: lo < hi ? lo : -.infinity)
    }

    /// The front of `points` (any evaluated candidates; dominated ones are dropped) and the
    /// answers' places in it.
    public init(points: some Sequence<Candidate>, answers: [(target: Double, answer: Candidate)], metric: EfficiencyMetric,
                reference: Hypervolume.Reference) {
        self.metric = metric
        self.points = ParetoFront(points).members
        self.targets = answers.map(\.target)
        self.answers = answers.map(\.answer)
        self.reference = reference
        let front = self.points
        frontIndex = answers.map { Self.index(of: $0.answer, in: front) }
        hypervolume = Hypervolume.area(of: front.map { ($0.efficiency, $0.accuracy) }, reference: reference)
    }

    /// Where `answer` sits in `front`: the point with its architecture, else one with its cost
    /// and accuracy (another subnet may tie it exactly); nil when it is not on the front.
    public static func index(of answer: Candidate, in front: [Candidate]) -> Int? {
        front.firstIndex { $0.arch == answer.arch }
            ?? front.firstIndex { $0.efficiency == answer.efficiency && $0.accuracy == answer.accuracy }
    }

    /// `{"value", "min_accuracy", "min_<metric>" (null: no floor), "max_<metric>"}`.
    public var hypervolumeJSON: JSONValue {
        .object([("value", .double(hypervolume)), ("min_accuracy", .double(reference.minAccuracy)),
                 ("min_" + metric.rawValue, reference.minCost.isFinite ? .double(reference.minCost) : .null),
                 ("max_" + metric.rawValue, .double(reference.maxCost))])
    }

    /// `{"size", "hypervolume", "points"}`; without points when `points` is false.
    public func json(points includePoints: Bool = true) -> JSONValue {
        var fields: [(String, JSONValue)] = [("size", .int(points.count)), ("hypervolume", hypervolumeJSON)]
        if includePoints { fields.append(("points", .array(points.map { $0.json(metric: metric) }))) }
        return .object(fields)
    }

    public var json: JSONValue { json() }

    /// One line per front point, cheapest first: `index,accuracy,<metric>,r,d,ks,e,answers`, the
    /// lists OFA's (`d` 5 depths, `ks` and `e` 20 entries) separated by spaces, `answers` the
    /// targets whose answer the point is (space-separated; empty for none).
    public var csv: String {
        var out = "index,accuracy,\(metric.rawValue),r,d,ks,e,answers\n"
        for (i, p) in points.enumerated() {
            let answered = targets.indices.filter { frontIndex[$0] == i }.map { Self.number(targets[$0]) }
            let a = p.arch
            out += "\(i),\(Self.number(p.accuracy)),\(Self.number(p.efficiency)),\(a.resolution),"
                + [a.d, a.ks, a.e].map { $0.map(String.init).joined(separator: " ") }.joined(separator: ",")
                + ",\(answered.joined(separator: " "))\n"
        }
        return out
    }

    /// An SVG plot: the front as a staircase (accuracy in %, against cost), each target's answer
    /// as a marker, the targets as dashed lines; the title states the hypervolume and its reference.
    public func svg(title: String? = nil) -> String {
        let unit = metric.unit
        var chart = SVGChart(title: String(format: "%d points; hypervolume %.4f (%@ × accuracy above %.2f, %@)",
                                           points.count, hypervolume, unit, reference.minAccuracy, windowDescription),
                             xLabel: metric == .latency ? "latency (ms)" : "MACs", yLabel: "top-1 (%)")
        chart.series.append(.init(name: "Pareto front", color: SVGChart.palette[0],
                                  points: points.map { ($0.efficiency, $0.accuracy * 100) }, style: .step))
        chart.series.append(.init(name: "answer per target", color: SVGChart.palette[1],
                                  points: answers.map { ($0.efficiency, $0.accuracy * 100) }, style: .markers))
        chart.verticalLines = Array(Set(targets)).sorted().map { ($0, Self.number($0)) }
        return SVGFigure(title: title ?? "Accuracy–\(metric == .latency ? "latency" : "MACs") front", panels: [chart]).render()
    }

    /// `[15, 60] ms` or `up to 60 ms`.
    public var windowDescription: String { Self.windowDescription(reference, metric: metric) }

    public static func windowDescription(_ reference: Hypervolume.Reference, metric: EfficiencyMetric) -> String {
        reference.minCost.isFinite ? "[\(number(reference.minCost)), \(number(reference.maxCost))] \(metric.unit)"
                                   : "up to \(number(reference.maxCost)) \(metric.unit)"
    }

    /// A number as JSON writes it: integers without a fraction.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
