import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

@Suite("Experiment runner")
struct RunnerTests {
    static let manifest = """
    name: runner-test
    spaces:
      - name: compofa-mbv3-w1.0
        resolutions: [160, 192]
      - name: compofa-elastic-mbv3-w1.0
        resolutions: [176]
        strategies: [random]
    accuracy: acc.json
    efficiency: {kind: lut, path: acc.json}
    strategies:
      random: {samples: 60}
      exhaustive: {}
    targets: [30, 40]
    seeds: [1, 2]
    baseline: {space: compofa-mbv3-w1.0, strategy: random}
    """

    func plan(_ folder: TempFolder, yaml: String = manifest) throws -> RunPlan {
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        let m = try ManifestLoader(predictors: FakeAccuracyProvider.runner, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
        return RunPlan(manifest: m)
    }

    func runner(_ plan: RunPlan, _ out: String, jobs: Int = 1) -> ExperimentRunner {
        var r = ExperimentRunner(plan: plan, predictors: FakeAccuracyProvider.runner, backend: RunnerFakeBackend(), output: out)
        r.jobs = jobs
        return r
    }

    @Test func expansionIsDeterministicWithStableIds() throws {
        let folder = TempFolder()
        let a = try plan(folder), b = try plan(folder)
        #expect(a.runs.map(\.id) == b.runs.map(\.id))
        #expect(a.runs.map(\.index) == Array(0..<a.runs.count))
        #expect(Set(a.runs.map(\.id)).count == a.runs.count)
        // compofa: random 2 targets × 2 seeds + exhaustive (all targets at once) × 2 seeds; elastic: random 2 × 2.
        #expect(a.runs.count == 10)
        #expect(a.runs[0].id == "main__compofa-mbv3-w1.0__random__t30__s1__r0")
        let exhaustive = a.runs.filter { $0.strategy.kind == .exhaustive }
        #expect(exhaustive.map(\.id) == ["main__compofa-mbv3-w1.0__exhaustive__tall__s1__r0", "main__compofa-mbv3-w1.0__exhaustive__tall__s2__r0"])
        #expect(exhaustive.allSatisfy { $0.targets == [30, 40] })
        #expect(a.manifest.fingerprint == b.manifest.fingerprint)
        // Shards balance estimated cost (ShardAssignmentTests): the two exhaustive runs outweigh the rest.
        #expect(a.shard(index: 1, count: 3).map(\.index) == [5])
    }

    @Test func repetitionsDeriveTheirSeeds() throws {
        let folder = TempFolder()
        let p = try plan(folder, yaml: Self.manifest + "\nrepeats: 2\n")
        let seeds = p.runs.filter { $0.space == "compofa-mbv3-w1.0" && $0.strategy.label == "random" && $0.targets == [30] }
        #expect(seeds.map(\.runSeed)[0] == 1)
        #expect(seeds.map(\.repetition) == [0, 1, 0, 1])
        #expect(seeds[1].runSeed == PlannedRun.deriveSeed(1, repetition: 1) && seeds[1].runSeed != 1)
        #expect(Set(seeds.map(\.runSeed)).count == 4)
    }

    @Test func resultsDoNotDependOnJobs() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        _ = try runner(p, folder.path + "/one", jobs: 1).run()
        _ = try runner(p, folder.path + "/four", jobs: 4).run()
        let one = folder.read("one/runs.jsonl"), four = folder.read("four/runs.jsonl")
        #expect(one.split(separator: "\n").count == 4 * 1 + 2 * 2 + 4)
        #expect(withoutTimings(one) == withoutTimings(four))
        #expect(withoutTimings(one) != one, "timings are the only fields removed")
    }

    @Test func resumeAfterAnInterruptionGivesTheSameRuns() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        _ = try runner(p, folder.path + "/full").run()

        var first = runner(p, folder.path + "/killed", jobs: 2)
        first.stopAfter = 3   // as if killed after three runs
        let partial = try first.run()
        #expect(partial.completed == 3)
        // A half-written file from the kill is ignored and cleaned up.
        folder.write("killed/runs/main__compofa-mbv3-w1.0__random__t40__s2__r0.jsonl.tmp-1-2", "{\"trunc")
        #expect(folder.read("killed/report.md").contains("**Incomplete**"))

        // Without --resume a folder with finished runs is refused.
        #expect(throws: RunnerError.self) { try runner(p, folder.path + "/killed").run() }

        var second = runner(p, folder.path + "/killed", jobs: 3)
        second.resume = true
        let rest = try second.run()
        #expect(rest.alreadyDone == 3 && rest.completed == 7 && rest.failures.isEmpty)
        #expect(withoutTimings(folder.read("killed/runs.jsonl")) == withoutTimings(folder.read("full/runs.jsonl")))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/killed/runs").filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        #expect(!folder.read("killed/report.md").contains("**Incomplete**"))
    }

    @Test func shardsMergeToTheUnshardedResult() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        _ = try runner(p, folder.path + "/whole").run()
        for i in 0..<3 {
            var r = runner(p, folder.path + "/shard\(i)")
            r.shard = (i, 3)
            let s = try r.run()
            #expect(s.planned == p.shard(index: i, count: 3).count)
        }
        let merged = try ExperimentOutputs(index: PlanIndex.read(folder: folder.path + "/shard0"),
                                           sources: (0..<3).map { folder.path + "/shard\($0)" }).write(to: folder.path + "/merged")
        #expect(merged.missing.isEmpty)
        #expect(withoutTimings(folder.read("merged/runs.jsonl")) == withoutTimings(folder.read("whole/runs.jsonl")))
        #expect(folder.read("merged/summary.csv").split(separator: "\n").count == folder.read("whole/summary.csv").split(separator: "\n").count)
    }

    @Test func aDifferentManifestIsRefusedInTheSameFolder() throws {
        let folder = TempFolder()
        _ = try runner(try plan(folder), folder.path + "/out").run()
        let other = try plan(folder, yaml: Self.manifest.replacingOccurrences(of: "samples: 60", with: "samples: 61"))
        var r = runner(other, folder.path + "/out")
        r.resume = true
        #expect(throws: RunnerError.self) { try r.run() }
    }

    @Test func atomicWriteReplacesWholeFilesAndLeavesNoTemporaries() throws {
        let folder = TempFolder()
        let path = folder.path + "/sub/dir/file.txt"
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write("second\n", to: path)
        #expect(folder.read("sub/dir/file.txt") == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/sub/dir") == ["file.txt"])
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: "/proc/ofasearch-cannot-write/x") }
    }

    @Test func runsJsonlCarriesTheRequiredFields() throws {
        let folder = TempFolder()
        _ = try runner(try plan(folder), folder.path + "/out").run()
        let lines = try JSONLines.read(path: folder.path + "/out/runs.jsonl") { $0 }
        #expect(lines.count == 12)
        for line in lines {
            let keys = line.keys
            for key in ["run", "part", "space", "strategy", "multi", "target", "seed", "accuracy", "latency_ms", "seconds",
                        "evaluations", "unique_archs", "arch", "best_so_far", "front_index"] {
                #expect(keys.contains(key), "missing \(key)")
            }
        }
        let records = try JSONLines.read(path: folder.path + "/out/runs.jsonl") { try RunRecord(json: $0) }
        // Round trip: re-rendering a parsed line gives the same bytes.
        let rerendered = records.map { $0.json.rendered() + "\n" }.joined()
        #expect(rerendered == folder.read("out/runs.jsonl"))
        // The exhaustive optimum bounds every other strategy in its space.
        for r in records where r.space == "compofa-mbv3-w1.0" && r.kind == .random {
            let opt = records.first { $0.kind == .exhaustive && $0.seed == r.seed && $0.target == r.target }!.accuracy!
            #expect((r.accuracy ?? 0) <= opt)
        }
    }

    @Test func freshStartsOverAndKeepsForeignFiles() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        _ = try runner(p, folder.path + "/out").run()
        folder.write("out/notes.txt", "mine")
        var again = runner(p, folder.path + "/out")
        again.fresh = true
        let s = try again.run()
        #expect(s.alreadyDone == 0 && s.completed == p.runs.count)
        #expect(folder.read("out/notes.txt") == "mine")
    }

    /// The real engine (evolutionary, random, exhaustive) with MACs and a fake accuracy: same
    /// runs.jsonl at 1 and 3 jobs, and evolutionary search reaches the exhaustive optimum here.
    @Test func realEngineResultsDoNotDependOnJobs() throws {
        let yaml = """
        name: engine
        spaces: [{name: compofa-mbv3-w1.0, resolutions: [160, 192]}]
        accuracy: acc.json
        efficiency: macs
        strategies:
          evolutionary: {population: 20, generations: 15}
          random: {samples: 300}
          exhaustive: {}
        targets: [150M, 250M]
        seeds: [1, 2]
        """
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        let provider = FakeAccuracyProvider.macs
        let m = try ManifestLoader(predictors: provider, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
        let p = RunPlan(manifest: m)
        for (name, jobs) in [("one", 1), ("three", 3)] {
            var r = ExperimentRunner(plan: p, predictors: provider, backend: SearchRunBackend(), output: folder.path + "/" + name)
            r.jobs = jobs
            let s = try r.run()
            #expect(s.failures.isEmpty, "\(s.failures)")
        }
        let one = folder.read("one/runs.jsonl")
        #expect(one.split(separator: "\n").count == 2 * 2 * 2 + 2 * 2)
        #expect(withoutTimings(one) == withoutTimings(folder.read("three/runs.jsonl")))
        let records = try JSONLines.read(path: folder.path + "/one/runs.jsonl") { try RunRecord(json: $0) }
        // fronts.jsonl: one front per run (an exhaustive run answers both targets from one),
        // the same bytes at any job count, each answer on its run's front at its front_index.
        #expect(folder.read("one/fronts.jsonl") == folder.read("three/fronts.jsonl"))
        let fronts = try JSONLines.read(path: folder.path + "/one/fronts.jsonl") { try RunFront(json: $0) }
        #expect(fronts.map(\.run) == p.runs.map(\.id))
        #expect(fronts.filter { $0.strategy == "exhaustive" }.allSatisfy { $0.targets == [150e6, 250e6] })
        for f in fronts {
            let points = f.front.points
            #expect(!points.isEmpty)
            #expect(zip(points, points.dropFirst()).allSatisfy { $0.efficiency < $1.efficiency && $0.accuracy < $1.accuracy })
            #expect(f.front.hypervolume == Hypervolume.area(of: points.map { ($0.efficiency, $0.accuracy) }, reference: FrontResult.reference(targets: f.targets)))
        }
        for r in records {
            #expect(r.efficiency! <= r.target)
            #expect(r.evaluations > 0 && r.uniqueArchitectures > 0 && !r.bestSoFar.isEmpty)
            let front = try #require(fronts.first { $0.run == r.run })
            if let index = r.frontIndex {
                let point = front.front.points[index]
                #expect(point.arch == r.arch && point.accuracy == r.accuracy && point.efficiency == r.efficiency)
            } else {
                // Off the front only where another subnet is as accurate and cheaper (the fake
                // accuracies have 4 digits, so ties happen).
                #expect(front.front.points.contains { $0.accuracy >= r.accuracy! && $0.efficiency < r.efficiency! })
            }
        }
        #expect(folder.read("one/report.md").contains("### Fronts"))
        let exhaustive = records.filter { $0.kind == .exhaustive }
        // Exhaustive extraction predicts the accuracy of the subnets within the largest target only.
        let space = try SpaceCatalog.space(named: "compofa-mbv3-w1.0", resolutions: [160, 192])
        let macs = MACsPredictor(width: space.width)
        let fitting = try space.enumerate().filter { try macs.predictEfficiency($0) <= 250e6 }.count
        #expect(fitting > 0 && fitting < 486)
        #expect(exhaustive.allSatisfy { $0.evaluations == fitting && $0.runEvaluations == fitting })
        for r in records where r.kind != .exhaustive {
            let opt = exhaustive.first { $0.target == r.target }!.accuracy!
            #expect(r.accuracy! <= opt + 1e-12)
        }
    }

    /// A one-space manifest whose searches run on a fake proxy table and are projected for the
    /// (fake, 1.1× slower) measured latency.
    static func projectedManifest(target: Double, in folder: TempFolder) throws -> ExperimentManifest {
        let yaml = """
        name: projected
        spaces:
          - name: compofa-mbv3-w1.0
            resolutions: [160]
            projection: {proxy: {kind: lut, path: acc.json}, samples: 5}
        accuracy: acc.json
        efficiency: measured
        strategies: {random: {samples: 40}}
        targets: [\(target)]
        """
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        return try ManifestLoader(predictors: FakeAccuracyProvider.projection, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
    }

    @Test func projectedSpacesSearchOnTheProxyAndProjectTheirTime() throws {
        let folder = TempFolder()
        let m = try Self.projectedManifest(target: 60, in: folder)
        #expect(m.parts[0].spaces[0].projection?.samples == 5)
        _ = try ExperimentRunner(plan: RunPlan(manifest: m), predictors: FakeAccuracyProvider.projection, backend: RunnerFakeBackend(), output: folder.path + "/out").run()
        let r = try #require(try JSONLines.read(path: folder.path + "/out/runs.jsonl") { try RunRecord(json: $0) }.first)
        let projection = try #require(r.projection)
        #expect(projection.secondsPerArchitecture >= 0.001)
        #expect(r.runSeconds >= Double(r.runUniqueArchitectures) * projection.secondsPerArchitecture)
        // The proxy is calibrated to the real (slow) model, 1.1 × the proxy's cost on every subnet,
        // so the scaled proxy's cost of the best subnet is the real one.
        #expect(abs(projection.proxyScale - 1.1) < 1e-9)
        #expect(abs(r.efficiency! - projection.proxyCost) < 1e-9 * r.efficiency!)
        #expect(folder.read("out/report.md").contains("random *(projected)*"))
        #expect(folder.read("out/runs.jsonl").contains("\"projected\":true"))
    }

    /// Validation prices a projected space's targets with the proxy scaled as the runner scales
    /// it: a target the raw proxy reaches but the scaled one (1.1× here) does not is refused.
    @Test func projectedTargetsAreValidatedOnTheScaledProxy() throws {
        let space = try SpaceCatalog.space(named: "compofa-mbv3-w1.0", resolutions: [160])
        let raw = try Evaluator(accuracy: RunnerFakeAccuracy(), efficiency: RunnerFakeCost()).feasibleRange(in: space).minimum
        let folder = TempFolder()
        #expect(throws: ManifestError.self) { try Self.projectedManifest(target: raw * 1.05, in: folder) }
        _ = try Self.projectedManifest(target: raw * 1.15, in: folder)
    }

    /// Multi-target sweeps through the real engine: every mode runs, results are independent of
    /// --jobs, and warm starts make fewer evaluations than independent searches.
    @Test func multiTargetSweepsRunThroughTheEngine() throws {
        let yaml = """
        name: sweeps
        spaces: [{name: compofa-elastic-mbv3-w1.0, resolutions: [160, 192]}]
        accuracy: acc.json
        efficiency: macs
        strategies: {evolutionary: {population: 12, generations: 10}}
        targets: [150M, 200M, 250M]
        multi: {modes: [independent, bottom-up, top-down, nsga2], variants: [paper, improved], warm_generations: 3}
        seeds: [5]
        """
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        let provider = FakeAccuracyProvider.macs
        let m = try ManifestLoader(predictors: provider, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
        let p = RunPlan(manifest: m)
        #expect(p.runs.count == 1 + 2 + 2 + 1)
        for (name, jobs) in [("one", 1), ("two", 2)] {
            var r = ExperimentRunner(plan: p, predictors: provider, backend: SearchRunBackend(), output: folder.path + "/" + name)
            r.jobs = jobs
            let s = try r.run()
            #expect(s.failures.isEmpty, "\(s.failures)")
        }
        #expect(withoutTimings(folder.read("one/runs.jsonl")) == withoutTimings(folder.read("two/runs.jsonl")))
        let records = try JSONLines.read(path: folder.path + "/one/runs.jsonl") { try RunRecord(json: $0) }
        #expect(records.count == 6 * 3)
        let independent = records.first { $0.multi == "independent" }!.runEvaluations
        let bottomUp = records.first { $0.multi == "bottom-up" }!.runEvaluations
        #expect(bottomUp < independent)
        #expect(folder.read("one/report.md").contains("| K | independent time (s) | bottom-up/paper | bottom-up/improved | top-down/paper | top-down/improved | nsga2 |"))
    }
}
