import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import OFACore
@testable import OFAExperiments
import OFATestSupport

@Suite("Reports")
struct ReportTests {
    /// A finished small experiment (fake predictors and engine) and its report.
    func experiment() throws -> (TempFolder, ExperimentReport) {
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        let m = try ManifestLoader(predictors: FakeAccuracyProvider.runner, paths: paths).load(yaml: RunnerTests.manifest, source: "m.yaml", directory: folder.path)
        var runner = ExperimentRunner(plan: RunPlan(manifest: m), predictors: FakeAccuracyProvider.runner, backend: RunnerFakeBackend(), output: folder.path + "/out")
        runner.jobs = 2
        _ = try runner.run()
        let records = try JSONLines.read(path: folder.path + "/out/runs.jsonl") { try RunRecord(json: $0) }
        return (folder, ExperimentReport(index: try PlanIndex.read(folder: folder.path + "/out"), records: records, missing: []))
    }

    @Test func statisticsUseTheSampleStandardDeviation() throws {
        let s = try #require(Stats([1, 2, 3, 4]))
        #expect(s.mean == 2.5 && s.min == 1 && s.max == 4)
        #expect(abs(s.std - 1.2909944487358056) < 1e-12)
        #expect(Stats([5])?.std == 0)
        #expect(Stats([]) == nil)
    }

    @Test func summaryCSVHasOneRowPerSeriesAndTarget() throws {
        let (_, report) = try experiment()
        let csv = SummaryCSV.render(report)
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows[0].map(String.init) == SummaryCSV.header)
        // 3 series (compofa random, compofa exhaustive, elastic random) × 2 targets.
        #expect(rows.count == 1 + 6)
        #expect(rows.allSatisfy { $0.count == SummaryCSV.header.count })
        let random30 = try #require(rows.first { $0[1] == "compofa-mbv3-w1.0" && $0[2] == "random" && $0[6] == "30" })
        #expect(random30[8] == "2")                          // two seeds
        #expect(random30[18] == "1")                          // baseline speedup against itself
        #expect(!random30[20].isEmpty && !random30[21].isEmpty) // regret and optimum hits (exhaustive present)
        #expect(SummaryCSV.escape("a,b\"c") == "\"a,b\"\"c\"")
    }

    @Test func markdownReportHasTablesPerTargetAndTheBestPerSpace() throws {
        let (_, report) = try experiment()
        let md = MarkdownReport.render(report, plots: ["plots/main-best-so-far.svg"])
        #expect(md.hasPrefix("# runner-test\n"))
        #expect(md.contains("12 of 10 runs") == false)
        #expect(md.contains("10 of 10 runs finished"))
        #expect(md.contains("### All targets together"))
        #expect(md.contains("### Best accuracy per target in each space"))
        #expect(md.contains("**Target 30 ms**") && md.contains("**Target 40 ms**"))
        #expect(md.contains("regret (points)"))
        #expect(md.contains("![plots/main-best-so-far.svg](plots/main-best-so-far.svg)"))
        // Every table row has as many cells as its header.
        var columns: Int?
        for line in md.split(separator: "\n") {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let n = line.split(separator: "|", omittingEmptySubsequences: false).count
            if columns == nil { columns = n } else { #expect(n == columns, "\(line)") }
        }
    }

    @Test func plotsAreWellFormedSVGWithAxesAndLegend() throws {
        let (folder, report) = try experiment()
        let plots = ReportPlots(report: report).render()
        #expect(plots.map(\.0) == ["main-accuracy-vs-latency.svg", "main-best-so-far.svg"])
        for (name, svg) in plots {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "\(name) is not well-formed XML: \(String(describing: parser.parserError))")
            #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.contains("compofa-mbv3-w1.0 · random"), "legend names the series")
            #expect(!svg.contains("nan") && !svg.contains("inf"))
        }
        #expect(plots[0].1.contains(">latency (ms)</text>") && plots[0].1.contains(">predicted top-1 (%)</text>"))
        #expect(plots[1].1.contains(">evaluations (log scale)</text>"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/out/plots/main-best-so-far.svg"))
    }

    @Test func ticksAreRoundAndCoverTheRange() {
        #expect(SVGChart.niceTicks(0...10) == [0, 2, 4, 6, 8, 10])
        #expect(SVGChart.niceTicks(76.2...82.9) == [78, 80, 82])
        #expect(SVGChart.logTicks(90...60_000) == [100, 1000, 10_000])
        #expect(SVGChart.tickLabel(25_000, scale: .linear, ticks: [0, 25_000]) == "25k")
        #expect(SVGChart.tickLabel(2e8, scale: .linear, ticks: [0, 1e8]) == "200M")
        #expect(SVGChart.tickLabel(67.5, scale: .linear, ticks: [65, 67.5, 70]) == "67.5")
        #expect(SVGChart.tickLabel(70, scale: .linear, ticks: [65, 67.5, 70]) == "70")
        #expect(SVGChart.tickLabel(0.25, scale: .linear, ticks: [0, 0.25]) == "0.25")
        #expect(SVGChart.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }

    @Test func multiTargetPartsReportSpeedupsByK() throws {
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        let yaml = """
        name: multi
        spaces: [{name: compofa-mbv3-w1.0, resolutions: [160]}]
        accuracy: acc.json
        efficiency: {kind: lut, path: acc.json}
        strategies: {evolutionary: {population: 10}}
        targets: [30, 40, 50]
        multi: {modes: [independent, top-down], variants: [paper, improved], target_counts: [1, 3]}
        seeds: [1, 2]
        """
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        let m = try ManifestLoader(predictors: FakeAccuracyProvider.runner, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
        let plan = RunPlan(manifest: m)
        // (independent + top-down × 2 variants) × 2 counts × 2 seeds.
        #expect(plan.runs.count == 12)
        #expect(plan.runs.contains { $0.id == "main__compofa-mbv3-w1.0__evolutionary__top-down-paper-k3__s2__r0" })
        _ = try ExperimentRunner(plan: plan, predictors: FakeAccuracyProvider.runner, backend: RunnerFakeBackend(), output: folder.path + "/out").run()
        let md = folder.read("out/report.md")
        #expect(md.contains("**Speedup over independent search by number of targets K**"))
        #expect(md.contains("| K | independent time (s) | top-down/paper | top-down/improved |"))
        let perTarget = try #require(md.components(separatedBy: "### Per target").last)
        #expect(perTarget.contains("independent K=3") && !perTarget.contains("independent K=1 |"))
        let records = try JSONLines.read(path: folder.path + "/out/runs.jsonl") { try RunRecord(json: $0) }
        #expect(records.filter { $0.variant == "paper" }.count == 2 * (1 + 3))
    }

    @Test func theOptimumIsFoundByArchitectureOrWithinFloatNoise() throws {
        let (_, report) = try experiment()
        let optimum = try #require(report.records.first { $0.kind == .exhaustive && $0.accuracy != nil })
        var same = optimum
        same.kind = .random
        same.accuracy = optimum.accuracy! - 6e-8    // the same subnet scored in another batch
        #expect(ExperimentReport.foundOptimum(same, optimum))
        var other = same
        other.arch = nil
        other.accuracy = optimum.accuracy! - 1e-3
        #expect(!ExperimentReport.foundOptimum(other, optimum))
    }
}
