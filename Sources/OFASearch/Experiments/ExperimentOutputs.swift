import Foundation

/// Assembles the outputs of an experiment from finished run files found in one or more folders
/// (one for a plain run, several for `merge`): `runs.jsonl` in plan order, `summary.csv`,
/// `report.md` and the plots.
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

    /// The text of each finished run, in plan order, with the ids of runs not found anywhere.
    public func collect() throws -> (runs: [(id: String, text: String)], missing: [String]) {
        var found: [(id: String, text: String)] = []
        var missing: [String] = []
        for id in index.runs {
            var text: String?
            for folder in sources {
                let path = OutputLayout(root: folder).runFile(id)
                if FileSystem.isRegularFile(path), let data = FileManager.default.contents(atPath: path) {
                    text = String(decoding: data, as: UTF8.self)
                    break
                }
            }
            if let text { found.append((id, text)) } else { missing.append(id) }
        }
        return (found, missing)
    }

    /// Writes `runs.jsonl`, `summary.csv`, `report.md` and `plots/` into `folder` (copying run
    /// files there when they came from other folders). Files that already hold what would be
    /// written are left untouched: regenerating the outputs of a finished experiment writes
    /// nothing (and so works in a read-only folder).
    @discardableResult
    public func write(to folder: String) throws -> ExperimentReport {
        let (runs, missing) = try collect()
        let layout = OutputLayout(root: folder)
        var records: [RunRecord] = []
        for (id, text) in runs {
            let path = layout.runFile(id)
            if !FileSystem.isRegularFile(path) { try AtomicFile.write(text, to: path) }
            records += try JSONLines.parse(text, source: path) { try RunRecord(json: $0) }
        }
        try AtomicFile.writeIfChanged(runs.map(\.text).joined(), to: folder + "/runs.jsonl")
        let report = ExperimentReport(index: index, records: records, missing: missing)
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
