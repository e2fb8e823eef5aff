import Foundation
import Testing
@testable import OFASearch
import OFATestSupport

/// Surrogate-assisted search (issue 14): the kernel ridge surrogate against a dense solve, and
/// the loop's promises — budget, answers evaluated on the truth, determinism, warm starts.
struct SurrogateTests {
    let space = try! SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [160, 192, 224])

    func samples(_ n: Int, seed: UInt64) -> [Architecture] {
        var rng = SeededGenerator(seed: seed)
        var seen = Set<Architecture>()
        var out: [Architecture] = []
        while out.count < n { let a = space.sample(using: &rng); if seen.insert(a).inserted { out.append(a) } }
        return out
    }

    /// One-hot features of an architecture as OFA's MLP reads them, built the slow way.
    func features(_ a: Architecture) -> [Double] {
        var x: [Double] = []
        for b in 0..<Architecture.blockCount {
            x += [3, 5, 7].map { a.isActive(block: b) && a.kernelSize(block: b) == $0 ? 1 : 0 }
            x += [3, 4, 6].map { a.isActive(block: b) && a.expandRatio(block: b) == $0 ? 1 : 0 }
        }
        return x + [160, 192, 224].map { a.resolution == $0 ? 1 : 0 }
    }

    @Test func predictionsEqualADenseKernelRidgeSolve() throws {
        let train = samples(60, seed: 1), test = samples(20, seed: 2)
        let y = train.map { FakeAccuracy.value($0) * 100 }
        var model = try KernelRidgeSurrogate(space: space, gamma: 0.05, ridge: 0.01)
        // Added in three batches: the factor grows row by row.
        try model.add(Array(train[0..<10]), accuracies: Array(y[0..<10]))
        try model.add(Array(train[10..<45]), accuracies: Array(y[10..<45]))
        try model.add(Array(train[45...]), accuracies: Array(y[45...]))

        func k(_ a: Architecture, _ b: Architecture) -> Double {
            let fa = features(a), fb = features(b)
            let dot = zip(fa, fb).map(*).reduce(0, +)
            let dist = zip(fa, fb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            return dot / 41 + exp(-0.05 * dist)
        }
        let n = train.count
        let mean = y.reduce(0, +) / Double(n)
        let sd = (y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
        // Gaussian elimination on [K + λI | z].
        var a = (0..<n).map { i in (0..<n).map { j in k(train[i], train[j]) + (i == j ? 0.01 : 0) } + [(y[i] - mean) / sd] }
        for c in 0..<n {
            let p = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, p)
            for r in 0..<n where r != c {
                let f = a[r][c] / a[c][c]
                for j in c...n { a[r][j] -= f * a[c][j] }
            }
        }
        let w = (0..<n).map { a[$0][n] / a[$0][$0] }
        for t in test {
            let expected = mean + sd * zip(w, train).map { $0 * k($1, t) }.reduce(0, +)
            #expect(abs(model.predict(t) - expected) < 1e-8)
        }
        // Fitted points are reproduced up to the ridge.
        #expect(abs(model.predict(train[5]) - y[5]) < 0.05)
    }

    func problem(budget: Double = 16) -> SearchProblem {
        SearchProblem(space: space, accuracy: FakeAccuracy(), efficiency: FakeCost(), budget: budget)
    }

    @Test func spendsAtMostItsBudgetAndAnswersWithEvaluatedSubnets() throws {
        var search = SurrogateSearch(evaluations: 120)
        search.innerPopulation = 20
        search.maxTries = 1_000   // tight fake targets: repair rather than draw 100,000 times
        search.innerGenerations = 10
        search.innerStarts = 2
        let targets = [12.0, 16.0, 20.0]
        let results = try search.search(problem(), budgets: targets, seed: 7)
        #expect(results.map(\.budget) == targets)
        // The first result carries the run's counts: exactly the budget, all distinct.
        #expect(results[0].counts.accuracyPredictions == 120)
        #expect(results[0].counts.uniqueArchitectures == 120)
        #expect(results[0].sweep?.evaluations == 120)
        for r in results {
            #expect(r.best.efficiency <= r.budget)
            #expect(r.best.accuracy == FakeAccuracy.value(r.best.arch))
            #expect(r.history.last?.evaluations == 120)
            #expect(r.history.last?.accuracy == r.best.accuracy)
        }
        let trace = try #require(results[0].surrogate)
        #expect(trace.initial == search.defaultInitial(targets: 3))
        #expect(trace.initial + trace.rounds.map(\.batch).reduce(0, +) == 120)
        // Separable truth: the surrogate ranks the batches well.
        #expect((trace.rounds.last?.tau ?? 0) > 0.3)
        // More evaluations never do worse than the initial design alone.
        #expect(results.allSatisfy { $0.best.accuracy >= ($0.history.first?.accuracy ?? 1) })
    }

    @Test func sameSeedSameResultAndJSON() throws {
        var search = SurrogateSearch(evaluations: 60)
        search.innerPopulation = 20
        search.maxTries = 1_000   // tight fake targets: repair rather than draw 100,000 times
        search.innerGenerations = 5
        let a = try search.search(problem(), budgets: [20, 30], seed: 3)
        let b = try search.search(problem(), budgets: [20, 30], seed: 3)
        #expect(a.map(\.best) == b.map(\.best))
        #expect(a.map(\.history) == b.map(\.history))
        #expect(a[0].surrogate?.rounds == b[0].surrogate?.rounds)
        let c = try search.search(problem(), budgets: [20, 30], seed: 4)
        #expect(a[0].surrogate?.rounds != c[0].surrogate?.rounds)
        // The trace reads back as written.
        let trace = try #require(a[0].surrogate)
        var roundTrip = try SurrogateTrace(json: JSONCObject(parsing: trace.json.rendered()))
        roundTrip.fitSeconds = trace.fitSeconds
        #expect(roundTrip.rounds == trace.rounds)
    }

    @Test func warmStartIsFittedNotCountedNorEvaluatedAgain() throws {
        let known = samples(40, seed: 9).map { Candidate(arch: $0, accuracy: FakeAccuracy.value($0), efficiency: FakeCost().cost($0)) }
        var search = SurrogateSearch(evaluations: 30)
        search.innerPopulation = 20
        search.maxTries = 1_000   // tight fake targets: repair rather than draw 100,000 times
        search.innerGenerations = 5
        search.warmStart = known
        let truth = FakeAccuracy()
        let p = SearchProblem(space: space, accuracy: truth, efficiency: FakeCost(), budget: 16)
        let results = try search.search(p, budgets: [16], seed: 1)
        #expect(truth.rows == 30)
        #expect(results[0].surrogate?.warmStart == 40)
        // A known subnet may be the answer: the best of everything known within the target.
        let bestKnown = known.filter { $0.efficiency <= 16 }.map(\.accuracy).max() ?? 0
        #expect(results[0].best.accuracy >= bestKnown)
    }

    @Test func refusesBadSettingsInOneLine() throws {
        #expect(throws: SearchError.self) { try SurrogateSearch(evaluations: 0).validate() }
        #expect(throws: SearchError.self) { try SurrogateSearch(evaluations: SurrogateSearch.maxEvaluations + 1).validate() }
        #expect(throws: SearchError.self) { try SurrogateSearch(evaluations: 10, batch: 11).validate() }
        // Fewer evaluations than targets cannot answer every target.
        #expect(throws: SearchError.self) { try SurrogateSearch(evaluations: 2).search(problem(), budgets: [12, 16, 20], seed: 0) }
        #expect(throws: SearchError.self) { try SearchStrategies.make("surrogate") }
        // Every fitted point costs a row of the factor: warm start and budget together are bounded.
        var big = SurrogateSearch(evaluations: 10)
        big.warmStart = Array(repeating: Candidate(arch: space.smallest(resolution: 160), accuracy: 0.7, efficiency: 1),
                              count: SurrogateSearch.maxFitted)
        #expect(throws: SearchError.self) { try big.validate() }
        // An infeasible target is refused before any evaluation.
        let truth = FakeAccuracy()
        let p = SearchProblem(space: space, accuracy: truth, efficiency: FakeCost(), budget: 16)
        #expect(throws: SearchError.self) { try SurrogateSearch(evaluations: 20).search(p, budgets: [0.01, 16], seed: 0) }
        #expect(truth.rows == 0)
    }

    @Test func aSmallSpaceEvaluatedThroughEndsTheRun() throws {
        // CompOFA at one resolution: 243 subnets; a budget above that stops when nothing is new.
        let small = try SpaceCatalog.space(named: "compofa-mbv3-w1.0", resolutions: [224])
        var search = SurrogateSearch(evaluations: 400)
        search.innerGenerations = 3
        let truth = FakeAccuracy()
        let p = SearchProblem(space: small, accuracy: truth, efficiency: FakeCost(), budget: 100)
        let r = try search.search(p, budgets: [100], seed: 2)
        #expect(truth.rows <= Int(small.size))
        // Everything fits, so the answer is the space's best.
        let best = try small.enumerate().map(FakeAccuracy.value).max()!
        #expect(r[0].best.accuracy == best || truth.rows < Int(small.size))
    }

    func manifest(_ strategy: String, files: [String: String] = [:], folder: TempFolder = TempFolder()) throws(ManifestError) -> ExperimentManifest {
        folder.write("acc.json", "{}")
        for (name, text) in files { folder.write(name, text) }
        let yaml = """
        name: s
        spaces: [{name: ofa-mbv3-w1.0, resolutions: [224]}]
        accuracy: acc.json
        efficiency: {kind: lut, path: acc.json}
        strategies:
          sur: \(strategy)
        targets: [40, 50]
        seeds: [0, 1]
        """
        return try ManifestLoader(predictors: FakeAccuracyProvider.runner, paths: ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil)))
            .load(yaml: yaml, source: "m.yaml", directory: folder.path)
    }

    @Test func manifestStrategyRunsAllTargetsTogether() throws {
        let m = try manifest("{kind: surrogate, budget: 300, batch: 12, inner_generations: 20}")
        let spec = m.parts[0].strategies[0]
        #expect(spec.kind == .surrogate)
        #expect(spec.budget == 300 && spec.batch == 12 && spec.innerGenerations == 20 && spec.initial == nil)
        let made = try #require(try spec.makeStrategy() as? SurrogateSearch)
        #expect(made.evaluations == 300 && made.batch == 12 && made.innerGenerations == 20)
        // One run per seed answers both targets.
        let plan = RunPlan(manifest: m)
        #expect(plan.runs.map(\.targets) == [[40, 50], [40, 50]])
        #expect(plan.runs[0].id.contains("__tall__"))
    }

    @Test func manifestWarmStartIsFoundLoadedWithCostsAndNamedWhenMissing() throws {
        let known = samples(3, seed: 4).map { a -> Architecture in var a = a; a.resolution = 224; return a }
        let lines = known.map { a in JSONValue.object(a.jsonFields + [("top1", .double(FakeAccuracy.value(a) * 100))]).rendered() }
        let folder = TempFolder()
        let m = try manifest("{kind: surrogate, budget: 50, warm_start: known.jsonl}", files: ["known.jsonl": lines.joined(separator: "\n") + "\n"],
                             folder: folder)
        let spec = m.parts[0].strategies[0]
        let file = try #require(spec.warmStart)
        #expect(file.spelled == "known.jsonl" && file.path.hasSuffix("/known.jsonl"))
        #expect(spec.settings.contains { $0.0 == "warm_start" })
        let loaded = try file.load(space: SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [224]), efficiency: FakeCost())
        #expect(loaded.map(\.arch) == known)
        #expect(loaded.map(\.efficiency) == known.map(FakeCost().cost))
        #expect(zip(loaded, known).allSatisfy { abs($0.accuracy - FakeAccuracy.value($1)) < 1e-12 })
        do {
            _ = try manifest("{kind: surrogate, budget: 50, warm_start: absent.jsonl}")
            Issue.record("accepted a missing warm start file")
        } catch {
            #expect(error.issues.contains { $0.description.contains("strategies.sur.warm_start: 'absent.jsonl' not found") })
        }
        // Only the surrogate strategy takes it.
        #expect(throws: ManifestError.self) { try manifest("{kind: memetic, warm_start: known.jsonl}", files: ["known.jsonl": lines[0]]) }
    }

    @Test func manifestRefusesABadSurrogateSettingByName() {
        do {
            _ = try manifest("{kind: surrogate, budget: 0}")
            Issue.record("accepted budget 0")
        } catch {
            #expect(error.issues.contains { $0.description.contains("strategies.sur.budget") })
        }
        do {
            _ = try manifest("{kind: surrogate, budget: 1}")
            Issue.record("accepted fewer evaluations than targets")
        } catch {
            #expect(error.issues.contains { $0.description.contains("budget 1 is fewer truth evaluations than the part's 2 targets") })
        }
        do {
            _ = try manifest("{kind: surrogate, population: 10}")
            Issue.record("accepted an evolutionary key")
        } catch {
            #expect(error.issues.contains { $0.description.contains("population") })
        }
    }
}

/// On the benchmark's truth (OFA's MLP, note10), a short loop (the full benchmark is
/// experiments/surrogate.yaml): within budget, answers evaluated, and the surrogate's proposals
/// beat the random initial design by a wide margin.
@Suite(.enabled(if: TestData.available, TestData.skipReason))
struct SurrogateRealDataTests {
    @Test func aShortLoopImprovesOnItsInitialDesign() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160, 176, 192, 208, 224])
        let mlp = try PredictorLoader.accuracy(path: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json"))
        let lut = try PredictorLoader.latency(path: TestData.path("latency/note10"), space: space)
        let problem = SearchProblem(space: space, accuracy: mlp, efficiency: lut, budget: 30)
        var search = SurrogateSearch(evaluations: 100)
        search.innerGenerations = 15
        search.innerStarts = 1
        let results = try search.search(problem, budgets: [20, 25], seed: 0)
        #expect(results[0].counts.accuracyPredictions == 100)
        let reference = [0.806496, 0.820571]
        for (r, ref) in zip(results, reference) {
            #expect(r.best.efficiency <= r.budget)
            #expect(try mlp.predictAccuracy([r.best.arch])[0] == r.best.accuracy)
            let initial = try #require(r.history.first).accuracy
            #expect(r.best.accuracy - initial > 0.003, "target \(r.budget): \(initial) → \(r.best.accuracy)")
            // 100 evaluations for two targets (the benchmark's 250 for four: about 1 point).
            #expect((ref - r.best.accuracy) * 100 < 2, "target \(r.budget): \(r.best.accuracy)")
        }
    }
}
