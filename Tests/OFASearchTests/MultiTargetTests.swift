import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

@Suite struct MultiTargetTests {
    static let resolutions = [160, 176, 192, 208, 224]
    static let spaces = ["ofa-mbv3-w1.2", "compofa-mbv3-w1.2", "compofa-elastic-mbv3-w1.2"]

    func problem(_ name: String, budget: Double = 10, threads: Int = 1, accuracy: FakeAccuracy = FakeAccuracy()) throws -> SearchProblem {
        let space = try SpaceCatalog.space(named: name, resolutions: Self.resolutions)
        return SearchProblem(space: space, accuracy: accuracy, efficiency: FakeCost(), budget: budget, threads: threads)
    }

    /// A small evolutionary search so that sweeps run in milliseconds.
    static let small = EvolutionarySearch(population: 20, generations: 15)

    // MARK: Randomized pruning

    @Test(arguments: spaces) func pruningStaysInTheSpaceAndFitsOrSaysSo(space name: String) throws {
        let p = try problem(name)
        let range = try p.feasibleRange()
        let cost = FakeCost()
        var rng = SeededGenerator(seed: 7)
        for trial in 0..<200 {
            let arch = p.space.sample(using: &rng)
            let start = cost.cost(arch)
            let budget = range.minimum + Double(trial % 10) / 10 * (start - range.minimum)
            for pruning in [RandomizedPruning.paper, .improved] {
                var seen: [Architecture] = []
                let out = try pruning.prune(arch, in: p.space, budget: budget, using: &rng) { a in
                    #expect(p.space.contains(a), "pruning left \(p.space): \(a)")
                    seen.append(a)
                    return cost.cost(a)
                }
                #expect(p.space.contains(out.arch))
                #expect(out.cost == cost.cost(out.arch))
                #expect(out.fits == (out.cost <= budget))
                // Every step lowers the cost of a monotone predictor.
                let costs = seen.map(cost.cost)
                #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 >= $1 })
                // With the resolution free, everything down to the cheapest subnet is reachable.
                if pruning == .improved { #expect(out.fits) }
                if !out.fits { #expect(out.arch.resolution == arch.resolution && out.cost > budget) }
            }
        }
    }

    @Test func paperPruningCannotLowerTheResolutionAndReportsFailure() throws {
        let p = try problem("ofa-mbv3-w1.2")
        let range = try p.feasibleRange()
        var rng = SeededGenerator(seed: 1)
        let big = p.space.largest(resolution: 224)
        let out = try RandomizedPruning.paper.prune(big, in: p.space, budget: range.minimum, using: &rng) { FakeCost().cost($0) }
        #expect(!out.fits)
        #expect(out.arch == p.space.smallest(resolution: 224))
        let better = try RandomizedPruning.improved.prune(big, in: p.space, budget: range.minimum, using: &rng) { FakeCost().cost($0) }
        #expect(better.fits && better.arch == range.cheapest)
    }

    /// Changes made by a one-dimension pruning of the largest subnet to the bottom, in order.
    func trace(_ d: RandomizedPruning.Dimension, space name: String = "ofa-mbv3-w1.2") throws -> [Architecture] {
        let p = try problem(name)
        var rng = SeededGenerator(seed: 3)
        var seen: [Architecture] = []
        let out = try RandomizedPruning(dimensions: [d], pruneWhenFitting: true)
            .prune(p.space.largest(resolution: 224), in: p.space, budget: -1, using: &rng) { seen.append($0); return 1 }
        #expect(!out.fits)
        return seen
    }

    @Test func kernelCapsFallSevenFiveThreeBlockByBlock() throws {
        let steps = try trace(.kernel)
        #expect(steps.count == 2 * 20 + 1)  // 20 blocks twice, plus the final cost
        for (i, a) in steps.dropLast().enumerated() {
            let pass = i / 20, block = i % 20
            for b in 0..<20 {
                let expected = b <= block ? (pass == 0 ? 5 : 3) : (pass == 0 ? 7 : 5)
                #expect(a.kernelSize(block: b) == expected, "step \(i) block \(b)")
                #expect(a.expandRatio(block: b) == 6)
            }
        }
    }

    @Test func depthAndExpandCapsFall() throws {
        let depths = try trace(.depth).dropLast().map(\.d)
        #expect(depths == [[3, 4, 4, 4, 4], [3, 3, 4, 4, 4], [3, 3, 3, 4, 4], [3, 3, 3, 3, 4], [3, 3, 3, 3, 3],
                           [2, 3, 3, 3, 3], [2, 2, 3, 3, 3], [2, 2, 2, 3, 3], [2, 2, 2, 2, 3], [2, 2, 2, 2, 2]])
        let expands = try trace(.expand).dropLast()
        #expect(expands.count == 40)
        #expect(expands[19].e == Array(repeating: 4, count: 20) && expands[39].e == Array(repeating: 3, count: 20))
        #expect(expands[20].expandRatio(block: 0) == 3 && expands[20].expandRatio(block: 1) == 4)
        let resolutions = try trace(.resolution).dropLast().map(\.resolution)
        #expect(resolutions == [208, 192, 176, 160])
    }

    @Test func compOFAPruningMovesDepthAndExpandTogetherAndKeepsFixedKernels() throws {
        let p = try problem("compofa-mbv3-w1.2")
        #expect(RandomizedPruning.improved.ladders(in: p.space).map(\.dimension) == [.depth, .resolution])
        let elastic = try problem("compofa-elastic-mbv3-w1.2")
        #expect(RandomizedPruning.paper.ladders(in: elastic.space).map(\.dimension) == [.kernel, .depth])
        let steps = try trace(.depth, space: "compofa-mbv3-w1.2")
        for a in steps {
            #expect(p.space.contains(a))
            for u in 0..<5 { #expect(a.expandRatio(block: u * 4) == CompOFASpace.expandForDepth[a.depth(unit: u)]) }
        }
        #expect(steps.last!.d == [2, 2, 2, 2, 2])
    }

    @Test func improvedKeepsAFittingArchitecturePaperPrunesIt() throws {
        let p = try problem("ofa-mbv3-w1.2")
        var rng = SeededGenerator(seed: 2)
        let arch = p.space.largest(resolution: 192)
        let budget = FakeCost().cost(arch) + 1
        let kept = try RandomizedPruning.improved.prune(arch, in: p.space, budget: budget, using: &rng) { FakeCost().cost($0) }
        #expect(kept.arch == arch && kept.changes == 0 && kept.fits)
        let pruned = try RandomizedPruning.paper.prune(arch, in: p.space, budget: budget, using: &rng) { FakeCost().cost($0) }
        #expect(pruned.arch != arch && pruned.changes == 1 && pruned.fits)
    }

    @Test(arguments: spaces) func growthStaysInTheSpaceAndWithinBudget(space name: String) throws {
        let p = try problem(name)
        let cost = FakeCost()
        var rng = SeededGenerator(seed: 8)
        for _ in 0..<100 {
            let arch = p.space.sample(using: &rng)
            let budget = cost.cost(arch) * 1.5
            let out = try RandomizedGrowth().grow(arch, in: p.space, budget: budget, using: &rng) { a in
                #expect(p.space.contains(a), "growth left \(p.space): \(a)")
                return cost.cost(a)
            }
            #expect(out.fits && out.cost <= budget && out.cost >= cost.cost(arch))
            // Nothing is left that could still be raised within the budget.
            for m in RandomizedGrowth.moves(of: out.arch, in: p.space) {
                #expect(cost.cost(RandomizedGrowth.apply(m, to: out.arch, in: p.space)) > budget)
            }
        }
        var big = rng
        let top = p.space.largest(resolution: 224)
        #expect(try RandomizedGrowth().grow(top, in: p.space, budget: 1e9, using: &big) { cost.cost($0) }.changes == 0)
    }

    // MARK: Sweeps

    let targets: [Double] = [14, 18, 22, 26]

    @Test func independentIsOneFreshSearchPerTarget() throws {
        let p = try problem("ofa-mbv3-w1.2")
        let out = try MultiTargetSweep(mode: .independent, strategy: Self.small).run(problem: p, targets: targets, seed: 5)
        for (i, t) in targets.enumerated() {
            let alone = try Self.small.search(p.fresh(budget: t), seed: 5)
            #expect(out.results[i].timelessJSON() == alone.timelessJSON())
        }
        #expect(out.evaluations == targets.count * 20 * 16)
    }

    @Test(arguments: [MultiTargetSweep.Mode.bottomUp, .topDown])
    func firstTargetOfAWarmSweepIsTheIndependentSearch(mode: MultiTargetSweep.Mode) throws {
        let p = try problem("ofa-mbv3-w1.2")
        // The improved variant without its stall rule (the paper's Top-down rewrites the first result's arch).
        var sweep = MultiTargetSweep(mode: mode, variant: .improved, strategy: Self.small)
        sweep.firstStall = nil
        let out = try sweep.run(problem: p, targets: targets, seed: 9)
        let first = mode == .bottomUp ? 0 : targets.count - 1
        #expect(out.order.first == first)
        let alone = try Self.small.search(p.fresh(budget: targets[first]), seed: 9)
        let r = out.results[first]
        #expect(r.best == alone.best && r.population == alone.population && r.evaluations == alone.evaluations)
    }

    @Test func improvedSweepStopsStalledStagesAndWidensWarmParents() throws {
        let p = try problem("ofa-mbv3-w1.2")
        var sweep = MultiTargetSweep(mode: .bottomUp, variant: .improved, warmGenerations: 30, strategy: EvolutionarySearch(population: 20, generations: 60))
        #expect(sweep.firstStall == 100 && sweep.warmStall == 70 && sweep.warmParentRatio == 0.5)
        #expect(MultiTargetSweep(mode: .bottomUp, variant: .paper).firstStall == nil)
        sweep.firstStall = 4
        sweep.warmStall = 3
        let out = try sweep.run(problem: p, targets: targets, seed: 3)
        // The first search is the full search with the stall rule, and stops where it says.
        var first = EvolutionarySearch(population: 20, generations: 60)
        first.termination.stall = 4
        let alone = try first.search(p.fresh(budget: targets[0]), seed: 3)
        #expect(out.results[0].best == alone.best && out.results[0].generations == alone.generations)
        #expect(alone.generations < 60)
        for r in out.results {
            // Stopped by the stall rule: the last `stall` generations brought nothing better.
            let stall = r.budget == targets[0] ? 4 : 3
            #expect(r.generations < (r.budget == targets[0] ? 60 : 30))
            let h = r.history
            #expect(h.count == r.generations + 1)
            #expect(h[h.count - 1 - stall].accuracy == h.last!.accuracy || r.best.accuracy > h.last!.accuracy)
        }
        // A warm stage keeps half the population as parents (10 of 20), the full search OFA's quarter.
        #expect(out.results[0].population.count == 5 + 20)
        for r in out.results.dropFirst() { #expect(r.population.count == 10 + 20) }
        let json = out.json().rendered()
        #expect(json.contains("\"first_stall\":4") && json.contains("\"warm_stall\":3") && json.contains("\"warm_parent_ratio\":0.5"))
    }

    @Test func stallTerminationCountsGenerationsWithoutABetterBest() {
        let t = Termination(generations: 100, stall: 5)
        #expect(!t.isDone(generations: 10, evaluations: 0, seconds: 0, stalled: 4))
        #expect(t.isDone(generations: 10, evaluations: 0, seconds: 0, stalled: 5))
        #expect(t.isDone(generations: 100, evaluations: 0, seconds: 0, stalled: 0))
        #expect(!Termination.generations(3).isDone(generations: 2, evaluations: 0, seconds: 0, stalled: 1000))
        #expect(Termination(stall: 1).isDone(generations: 7, evaluations: 0, seconds: 0, stalled: 1))
        var ea = EvolutionarySearch(population: 10, generations: 5)
        ea.termination.stall = 0
        #expect(throws: SearchError.self) { try ea.validate() }
    }

    @Test func bottomUpCarriesAFeasiblePopulation() throws {
        let p = try problem("ofa-mbv3-w1.2")
        let sweep = MultiTargetSweep(mode: .bottomUp, variant: .paper, warmGenerations: 5, strategy: Self.small)
        let out = try sweep.run(problem: p, targets: [26, 14, 22, 18], seed: 2)
        #expect(out.order == [1, 3, 2, 0])
        for (k, i) in out.order.enumerated() {
            let r = out.results[i]
            #expect(r.population.allSatisfy { $0.efficiency <= r.budget && $0.efficiency == FakeCost().cost($0.arch) })
            #expect(r.best.efficiency <= r.budget)
            // The population handed on fits the next (larger) budget as it is: nothing repaired.
            if k + 1 < out.order.count {
                let next = out.results[out.order[k + 1]]
                #expect(r.population.allSatisfy { $0.efficiency <= next.budget })
                #expect(next.generations == 5)
            }
        }
        // Counting rule: P(N+1) for the first target, then the carried population (P + parents)
        // plus P×N2 for each next one.
        #expect(out.evaluations == 20 * 16 + 3 * (25 + 20 * 5))
    }

    @Test func topDownImprovedNeverRewritesAResult() throws {
        let acc = FakeAccuracy()
        let p = try problem("ofa-mbv3-w1.2", accuracy: acc)
        let out = try MultiTargetSweep(mode: .topDown, variant: .improved, warmGenerations: 5, strategy: Self.small)
            .run(problem: p, targets: targets, seed: 4)
        #expect(out.order == [3, 2, 1, 0])
        #expect(out.overwritten.allSatisfy { !$0 })
        var evaluated: [Candidate] = []
        for i in out.order {
            let r = out.results[i]
            #expect(r.best.accuracy == FakeAccuracy.value(r.best.arch))
            #expect(r.best.efficiency == FakeCost().cost(r.best.arch) && r.best.efficiency <= r.budget)
            // The answer is the best the sweep has evaluated within the target so far, whichever
            // stage found it, and says so when an earlier stage did.
            evaluated += r.front
            #expect(r.best.accuracy == evaluated.filter { $0.efficiency <= r.budget }.map(\.accuracy).max()!)
            // Its curve ends at it and its front holds it (an earlier stage's answer is appended).
            #expect(r.history.last!.accuracy == r.best.accuracy && r.front.contains { $0.arch == r.best.arch })
            if out.fromEarlierStage[i] { #expect(r.history[r.history.count - 2].accuracy < r.best.accuracy) }
        }
        for i in 0..<3 {
            let pr = try #require(out.pruning[i])
            // Every seed is a pruned copy of the evaluated front just above the target.
            #expect(pr.seeds == 20 && pr.fitted == pr.seeds && pr.sources >= 1)
        }
        #expect(out.pruning[3] == nil)
        #expect(out.evaluations == 20 * 16 + 3 * (20 + 20 * 5))
    }

    @Test func topDownPaperPrunesThePreviousResultInPlace() throws {
        let p = try problem("ofa-mbv3-w1.2")
        let out = try MultiTargetSweep(mode: .topDown, variant: .paper, warmGenerations: 5, strategy: Self.small)
            .run(problem: p, targets: targets, seed: 4)
        #expect(out.overwritten == [false, true, true, true])
        // Each overwritten result now shows an architecture pruned for the next target: its
        // reported accuracy and latency belong to the architecture that was there before.
        for i in 1..<4 {
            let r = out.results[i]
            #expect(r.best.efficiency != FakeCost().cost(r.best.arch))
            #expect(out.pruning[i - 1]!.seeds == 1)
        }
        #expect(out.evaluations == 20 * 16 + 3 * (20 + 20 * 5))
    }

    @Test(arguments: MultiTargetSweep.Mode.allCases)
    func sweepsAreDeterministicAtAnyThreadCount(mode: MultiTargetSweep.Mode) throws {
        for variant in MultiTargetSweep.Variant.allCases {
            try checkDeterminism(mode: mode, variant: variant)
        }
    }

    func checkDeterminism(mode: MultiTargetSweep.Mode, variant: MultiTargetSweep.Variant) throws {
        var runs: [String] = []
        for threads in [1, 1, 3] {
            let p = try problem("compofa-elastic-mbv3-w1.2", threads: threads)
            let sweep = MultiTargetSweep(mode: mode, variant: variant, warmGenerations: 4, strategy: Self.small,
                                         nsga2: NSGA2Search(population: 20, generations: 10))
            var out = try sweep.run(problem: p, targets: targets, seed: 11)
            out.seconds = 0
            for i in out.results.indices {
                out.results[i].seconds = 0
                if out.results[i].sweep != nil { out.results[i].sweep!.seconds = 0 }
            }
            runs.append(out.json(history: true, front: true).rendered())
        }
        #expect(runs[0] == runs[1] && runs[1] == runs[2])
    }

    @Test func infeasibleTargetIsRefusedBeforeSearching() throws {
        let p = try problem("ofa-mbv3-w1.2")
        let range = try p.feasibleRange()
        #expect(throws: SearchError.self) {
            try MultiTargetSweep(mode: .topDown, strategy: Self.small).run(problem: p, targets: [10, range.minimum / 2], seed: 1)
        }
    }

    // MARK: NSGA-II and hypervolume

    @Test func nonDominatedSortingOnHandMadePoints() {
        let pts: [(cost: Double, accuracy: Double)] = [
            (10, 0.70), (20, 0.80), (20, 0.75), (30, 0.80), (15, 0.70), (40, 0.90), (10, 0.70),
        ]
        let fronts = NonDominatedSorting.fronts(pts)
        #expect(fronts == [[0, 1, 5, 6], [2, 3, 4]])
        #expect(NonDominatedSorting.dominates(pts[1], pts[3]) && !NonDominatedSorting.dominates(pts[0], pts[6]))
        // Crowding of front 0 (costs 10, 20, 40, 10; accuracies .70, .80, .90, .70): the ends of
        // each objective are infinite.
        // Sorted by cost the front is 0, 6, 1, 5 (ties by position); by accuracy the same.
        let d = NonDominatedSorting.crowding(pts, front: fronts[0])
        #expect(d[0] == .infinity && d[2] == .infinity)
        #expect(abs(d[1] - (30.0 / 30 + 0.2 / 0.2)) < 1e-12)
        #expect(abs(d[3] - (10.0 / 30 + 0.1 / 0.2)) < 1e-12)
        #expect(NonDominatedSorting.crowding(pts, front: [2, 4]) == [.infinity, .infinity])
    }

    @Test func nsga2SurvivorsFillFrontByFrontThenByCrowding() {
        let arch = OFASpace(width: .w1_2, resolutions: [224]).smallest(resolution: 224)
        let pool = [(1.0, 0.1), (2, 0.2), (3, 0.3), (4, 0.4), (2, 0.1), (3, 0.15), (4, 0.2)].map {
            Candidate(arch: arch, accuracy: $0.1, efficiency: $0.0)
        }
        let r = NSGA2Search.Ranked(selecting: 6, from: pool)
        #expect(r.members.count == 6 && r.rank == [0, 0, 0, 0, 1, 1])
        // Front 1 is (2, .1), (3, .15), (4, .2): its two extremes survive, the middle one is cut.
        #expect(r.members.suffix(2).map(\.efficiency) == [2, 4])
    }

    @Test func hypervolumeOnHandMadeFronts() {
        let ref = Hypervolume.Reference(maxCost: 60, minAccuracy: 0.70)
        #expect(abs(Hypervolume.area(of: [(20, 0.78), (40, 0.80)], reference: ref) - (20 * 0.08 + 20 * 0.10)) < 1e-12)
        // Dominated points, points beyond the reference and the order change nothing.
        let noisy: [(cost: Double, accuracy: Double)] = [(40, 0.80), (50, 0.79), (70, 0.95), (20, 0.78), (25, 0.60)]
        #expect(abs(Hypervolume.area(of: noisy, reference: ref) - 3.6) < 1e-12)
        // A floor at 30 counts only the window [30, 60].
        let window = Hypervolume.Reference(maxCost: 60, minAccuracy: 0.70, minCost: 30)
        #expect(abs(Hypervolume.area(of: [(20, 0.78), (40, 0.80)], reference: window) - (10 * 0.08 + 20 * 0.10)) < 1e-12)
        #expect(Hypervolume.area(of: [], reference: ref) == 0)
        #expect(Hypervolume.area(of: [(10, 0.5)], reference: ref) == 0)
    }

    @Test func nsga2FrontFitsTheBudgetAndAnswersEveryTarget() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 26)
        let range = try p.feasibleRange()
        let r = try NSGA2Search(population: 30, generations: 20).search(p, seed: 3)
        #expect(r.population.count == 30 && Set(r.population.map(\.arch)).count == 30)
        #expect(r.front.allSatisfy { $0.efficiency <= 26 })
        #expect(r.front.first!.efficiency == range.minimum)
        #expect(r.evaluations == 30 * 21)
        let out = try MultiTargetSweep(mode: .nsga2, nsga2: NSGA2Search(population: 30, generations: 20)).run(problem: p, targets: targets, seed: 3)
        #expect(out.evaluations == 30 * 21)
        // The sweep's run has its cost floor at the smallest target (a run of its own).
        let run = try #require(out.nsga2)
        #expect(out.nsga2Settings?.costFloor == targets.min())
        for (i, t) in targets.enumerated() {
            #expect(out.results[i].best == ParetoFront(run.front).best(within: t))
        }
        // The front dominates each single-objective answer's area at least as well as its own points.
        let ref = Hypervolume.Reference(maxCost: 26, minAccuracy: 0.5)
        #expect(out.evaluatedHypervolume(reference: ref) >= out.hypervolume(reference: ref))
    }

    // MARK: Real data

    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func topDownOnNote10FitsEveryTarget() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: Self.resolutions)
        let mlp = try MLPAccuracyPredictor(contentsOf: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json"))
        let lut = try LatencyTable(contentsOf: TestData.path("latency/note10"), for: space)
        let p = SearchProblem(space: space, accuracy: mlp, efficiency: lut, budget: 60)
        for variant in MultiTargetSweep.Variant.allCases {
            let out = try MultiTargetSweep(mode: .topDown, variant: variant, warmGenerations: 5,
                                           strategy: EvolutionarySearch(population: 50, generations: 20))
                .run(problem: p, targets: [20, 30, 45, 60], seed: 1)
            for (i, r) in out.results.enumerated() where !out.overwritten[i] {
                #expect(r.best.efficiency <= r.budget)
                #expect(abs(try lut.predictEfficiency(r.best.arch) - r.best.efficiency) < 1e-9)
            }
        }
    }
}
