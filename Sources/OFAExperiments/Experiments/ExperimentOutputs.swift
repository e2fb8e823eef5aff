import Foundation
import OFAStrategies
import OFACore

/// Assembles the outputs of an experiment from finished run files found in one or more folders
/// (one for a plain run, several for `merge`): `runs.jsonl` and `fronts.jsonl` in plan order,
/// `summary.csv`, `report.md` and the plots.
///
/// ```swift
/// try ExperimentOutputs(index: PlanIndex.read(folder: "a"), sources: ["a", "b"]).write(to: "merged")
/// ```
public struct ExperimentOutputs: Sendable {
    public var index: PlanIndex
    public var sources: [String]

    public init(index: PlanIndex, sources: [String]) {
        self.index = index
        self.sources = sources
    }

    public init(plan: RunPlan, folders: [String]) {
        self.init(index: PlanIndex(plan: plan, shard: nil), sources: folders)
    }

    /// A finished run's files: its lines and its front (nil in folders written before fronts).
    public struct FinishedRun: Sendable {
        public var id: String
        public var text: String
        public var front: String?
        /// A surrogate-assisted run's rounds.
        public var surrogate: String? = nil
    }

    /// The files of each finished run, in plan order, with the ids of runs not found anywhere.
    public func collect() throws -> (runs: [FinishedRun], missing: [String]) {
        var found: [FinishedRun] = []
        var missing: [String] = []
        for id in index.runs {
            var run: FinishedRun?
            for folder in sources {
                let layout = OutputLayout(root: folder)
                if let text = Self.read(layout.runFile(id)) {
                    run = FinishedRun(id: id, text: text, front: Self.read(layout.frontFile(id)), surrogate: Self.read(layout.surrogateFile(id)))
                    break
                }
            }
            if let run { found.append(run) } else { missing.append(id) }
        }
        return (found, missing)
    }

    static func read(_ path: String) -> String? {
        guard FileSystem.isRegularFile(path), let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `runs.jsonl`, `fronts.jsonl`, `summary.csv`, `report.md` and `plots/` into `folder`
    /// (copying run files there when they came from other folders). Files that already hold what would be
    /// written are left untouched: regenerating the outputs of a finished experiment writes
    /// nothing (and so works in a read-only folder).
    @discardableResult
    public func write(to folder: String) throws -> ExperimentReport {
        let (runs, missing) = try collect()
        let layout = OutputLayout(root: folder)
        var records: [RunRecord] = []
        var fronts: [RunFront] = []
        var traces: [(run: String, trace: SurrogateTrace)] = []
        for run in runs {
            if let text = run.surrogate {
                let path = layout.surrogateFile(run.id)
                try AtomicFile.writeIfChanged(text, to: path)
                traces += try JSONLines.parse(text, source: path) { (run: run.id, trace: try SurrogateTrace(json: $0)) }
            }
            let path = layout.runFile(run.id), frontPath = layout.frontFile(run.id)
            if let front = run.front {
                // The front that goes with these lines (a folder may hold one from an attempt
                // whose lines were never written); unchanged files are not rewritten.
                try AtomicFile.writeIfChanged(front, to: frontPath)
                fronts += try JSONLines.parse(front, source: frontPath) { try RunFront(json: $0) }
            }
            if !FileSystem.isRegularFile(path) { try AtomicFile.write(run.text, to: path) }
            records += try JSONLines.parse(run.text, source: path) { try RunRecord(json: $0) }
        }
        try AtomicFile.writeIfChanged(runs.map(\.text).joined(), to: folder + "/runs.jsonl")
        try AtomicFile.writeIfChanged(runs.compactMap(\.front).joined(), to: folder + "/fronts.jsonl")
        var report = ExperimentReport(index: index, records: records, fronts: fronts, missing: missing)
        report.surrogateTraces = traces
        try AtomicFile.writeIfChanged(SummaryCSV.render(report), to: folder + "/summary.csv")
        let plots = ReportPlots(report: report)
        var plotFiles: [String] = []
        for (name, svg) in plots.render() {
            try AtomicFile.writeIfChanged(svg, to: folder + "/plots/" + name)
            plotFiles.append("plots/" + name)
        }
        try AtomicFile.writeIfChanged(MarkdownReport.render(report, plots: plotFiles), to: folder + "/report.md")
        return report
    }
}
