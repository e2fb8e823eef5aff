import Foundation
import Testing
@testable import OFACore
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

@Suite struct SearchTests {
    static let resolutions = [160, 176, 192, 208, 224]

    func problem(_ name: String, budget: Double, threads: Int = 1, cost: FakeCost = FakeCost(),
                 accuracy: FakeAccuracy = FakeAccuracy()) throws -> SearchProblem {
        let space = try SpaceCatalog.space(named: name, resolutions: Self.resolutions)
        return SearchProblem(space: space, accuracy: accuracy, efficiency: cost, budget: budget, threads: threads)
    }

    @Test func evaluatorMemoizesAndCounts() throws {
        let acc = FakeAccuracy()
        let p = try problem("ofa-mbv3-w1.2", budget: 10, accuracy: acc)
        var rng = SeededGenerator(seed: 1)
        let a = p.space.sample(using: &rng), b = p.space.sample(using: &rng)
        let ev = p.evaluator
        let start = ev.beginRun()
        let first = try ev.accuracies(of: [a, b, a])
        #expect(first == [FakeAccuracy.value(a), FakeAccuracy.value(b), FakeAccuracy.value(a)])
        #expect(acc.rows == 2 && acc.calls == 1)
        _ = try ev.accuracies(of: [b, a])
        #expect(acc.rows == 2)
        let c = ev.counts.since(start)
        #expect(c.accuracyRequests == 5 && c.accuracyPredictions == 2 && c.uniqueArchitectures == 2)
        #expect(abs(c.cacheHitRate - 0.6) < 1e-12)
        // A new run counts unique architectures afresh, and still hits the cache.
        let second = ev.beginRun()
        _ = try ev.accuracies(of: [a])
        #expect(ev.counts.since(second).uniqueArchitectures == 1 && acc.rows == 2)
    }

    @Test func paretoFrontMatchesBruteForce() {
        var rng = SeededGenerator(seed: 5)
        let arch = OFASpace(width: .w1_2, resolutions: [224]).smallest(resolution: 224)
        var points: [Candidate] = []
        for _ in 0..<400 {
            // Coarse values so that ties happen.
            points.append(Candidate(arch: arch, accuracy: Double(Int.random(in: 0..<40, using: &rng)),
                                    efficiency: Double(Int.random(in: 0..<40, using: &rng))))
        }
        let front = ParetoFront(points)
        let expected = points.filter { p in
            !points.contains { q in q.efficiency <= p.efficiency && q.accuracy >= p.accuracy && (q.efficiency < p.efficiency || q.accuracy > p.accuracy) }
        }
        let unique = Set(expected.map { [$0.efficiency, $0.accuracy] })
        #expect(front.members.count == unique.count)
        #expect(Set(front.members.map { [$0.efficiency, $0.accuracy] }) == unique)
        #expect(zip(front.members, front.members.dropFirst()).allSatisfy { $0.efficiency < $1.efficiency && $0.accuracy < $1.accuracy })
    }

    @Test func hypervolumeOfAStaircase() {
        let arch = OFASpace(width: .w1_2, resolutions: [224]).smallest(resolution: 224)
        let front = ParetoFront([Candidate(arch: arch, accuracy: 0.5, efficiency: 1), Candidate(arch: arch, accuracy: 0.8, efficiency: 3)])
        // (3 - 1) × (0.5 - 0.4) + (5 - 3) × (0.8 - 0.4)
        #expect(abs(front.hypervolume(maxCost: 5, minAccuracy: 0.4) - 1.0) < 1e-12)
        #expect(front.best(within: 2)?.accuracy == 0.5 && front.best(within: 0.5) == nil)
    }

    @Test func feasibleRangeOfAMonotoneCostIsTheSmallestSubnet() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 10)
        let range = try p.feasibleRange()
        let smallest = p.space.smallest(resolution: 160)
        #expect(range.cheapest == smallest)
        #expect(range.minimum == FakeCost().cost(smallest))
        #expect(range.maximum == FakeCost().cost(p.space.largest(resolution: 224)))
        // No random subnet is cheaper.
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<2000 { #expect(FakeCost().cost(p.space.sample(using: &rng)) >= range.minimum) }
    }

    @Test func feasibleRangeHandlesANonMonotoneCost() throws {
        let cost = FakeCost(kernel3Penalty: 0.5)
        let p = try problem("ofa-mbv3-w1.2", budget: 10, cost: cost)
        let range = try p.feasibleRange()
        let smallest = p.space.smallest(resolution: 160)
        #expect(range.minimum < cost.cost(smallest))
        #expect(range.minimum == cost.cost(range.cheapest))
        #expect(range.cheapest.kernelSize(block: 0) == 5)
    }

    @Test func infeasibleBudgetIsRefusedWithTheRange() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 0.1)
        #expect {
            try EvolutionarySearch(generations: 2).search(p, seed: 1)
        } throws: { error in
            guard let e = error as? SearchError, case let .infeasibleBudget(budget, range, _) = e else { return false }
            return budget == 0.1 && range.minimum > 0.1 && e.description.contains("infeasible") && e.description.contains("range from")
        }
        #expect(throws: SearchError.self) { try ExhaustiveSearch().search(try problem("compofa-mbv3-w1.2", budget: 0.1), seed: 1) }
    }

    @Test(arguments: ["ofa-mbv3-w1.2", "compofa-mbv3-w1.2", "compofa-elastic-mbv3-w1.2"])
    func repairAlwaysFits(space name: String) throws {
        let range = try problem(name, budget: 1).feasibleRange()
        var rng = SeededGenerator(seed: 9)
        for budget in [range.minimum, range.minimum * 1.05, range.minimum * 1.5, (range.minimum + range.maximum) / 2] {
            let p = try problem(name, budget: budget)
            for _ in 0..<200 {
                let big = p.space.sample(using: &rng)
                let fixed = try ShrinkRepair().repair(big, problem: p, range: range, using: &rng)
                #expect(fixed.cost <= budget)
                #expect(p.space.contains(fixed.arch))
                #expect(fixed.cost == FakeCost().cost(fixed.arch))
            }
        }
    }

    @Test func evolutionaryFollowsOFAsCountsAndStaysFeasible() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 25)
        let r = try EvolutionarySearch(population: 40, generations: 30).search(p, seed: 3)
        #expect(r.evaluations == 40 + 30 * 40)
        #expect(r.generations == 30 && r.history.count == 31)
        #expect(r.population.count == 10 + 40)
        #expect(r.best.efficiency <= 25 && r.best.efficiency == FakeCost().cost(r.best.arch))
        #expect(r.best.accuracy == FakeAccuracy.value(r.best.arch))
        #expect(r.population.allSatisfy { $0.efficiency <= 25 })
        #expect(r.front.allSatisfy { $0.efficiency <= 25 })
        #expect(r.front.last == r.best)
        #expect(zip(r.history, r.history.dropFirst()).allSatisfy { $0.accuracy <= $1.accuracy })
        #expect(r.history.last!.accuracy == r.best.accuracy)
        #expect(r.counts.uniqueArchitectures <= r.evaluations && r.counts.accuracyPredictions == r.counts.uniqueArchitectures)
        // Evolution beats the initial population.
        #expect(r.best.accuracy > r.history[0].accuracy)
    }

    @Test func sameSeedSameBytesAtAnyThreadCount() throws {
        for name in ["ofa-mbv3-w1.2", "compofa-elastic-mbv3-w1.2", "compofa-mbv3-w1.2"] {
            let ea = EvolutionarySearch(population: 30, generations: 20)
            let one = try ea.search(try problem(name, budget: 25, threads: 1), seed: 7).timelessJSON()
            let two = try ea.search(try problem(name, budget: 25, threads: 2), seed: 7).timelessJSON()
            let four = try ea.search(try problem(name, budget: 25, threads: 4), seed: 7).timelessJSON()
            #expect(one == two && one == four)
            let other = try ea.search(try problem(name, budget: 25, threads: 1), seed: 8).timelessJSON()
            #expect(one != other)
            let ex = ExhaustiveSearch()
            if name.hasPrefix("compofa-mbv3") {
                #expect(try ex.search(try problem(name, budget: 25, threads: 1), budgets: [15, 25], seed: 0).map { $0.timelessJSON() }
                        == ex.search(try problem(name, budget: 25, threads: 3), budgets: [15, 25], seed: 0).map { $0.timelessJSON() })
            }
            let rs = RandomSearch(samples: 500)
            #expect(try rs.search(try problem(name, budget: 25, threads: 1), seed: 7).timelessJSON()
                    == rs.search(try problem(name, budget: 25, threads: 3), seed: 7).timelessJSON())
        }
    }

    @Test func exhaustivePredictsEachArchitectureOnceForAllBudgets() throws {
        let acc = FakeAccuracy()
        let p = try problem("compofa-mbv3-w1.2", budget: 0, threads: 2, accuracy: acc)
        let range = try p.feasibleRange()
        let budgets = [range.minimum, 15, 20, 30, 100]
        let results = try ExhaustiveSearch().search(p, budgets: budgets, seed: 0)
        #expect(acc.rows == 1215)
        let all = try p.space.enumerate()
        for (budget, r) in zip(budgets, results) {
            let best = all.filter { FakeCost().cost($0) <= budget }.map(FakeAccuracy.value).max()!
            #expect(r.best.accuracy == best)
            #expect(r.best.efficiency <= budget)
            #expect(r.budget == budget)
        }
        #expect(results[0].evaluations == 1215 && results[1].evaluations == 0 && results[1].sweep?.evaluations == 1215)
        #expect(results[0].best.arch == range.cheapest)
    }

    @Test func exhaustivePredictsOnlyWhatFitsTheLargestBudget() throws {
        let acc = FakeAccuracy()
        let p = try problem("compofa-mbv3-w1.2", budget: 0, accuracy: acc)
        let all = try p.space.enumerate()
        let budgets: [Double] = [18, 14]
        let fitting = all.filter { FakeCost().cost($0) <= 18 }
        #expect(fitting.count > 0 && fitting.count < all.count)
        let results = try ExhaustiveSearch().search(p, budgets: budgets, seed: 0)
        #expect(acc.rows == fitting.count)
        #expect(results[0].evaluations == fitting.count && results[0].counts.efficiencyRequests == all.count)
        #expect(results[0].front.allSatisfy { $0.efficiency <= 18 })
        for (budget, r) in zip(budgets, results) {
            #expect(r.best.accuracy == all.filter { FakeCost().cost($0) <= budget }.map(FakeAccuracy.value).max()!)
        }
    }

    @Test func exhaustiveRefusesALargeSpaceWithItsSize() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 25)
        #expect {
            try ExhaustiveSearch().search(p, seed: 0)
        } throws: { error in
            "\(error)".contains(String(p.space.size)) && "\(error)".contains("exhaustive")
        }
    }

    @Test func evolutionaryFindsTheExhaustiveOptimumInCompOFA() throws {
        var hits = 0, total = 0
        let ex = ExhaustiveSearch()
        for budget in [12.0, 15, 20, 30] {
            let optimum = try ex.search(try problem("compofa-mbv3-w1.2", budget: budget), seed: 0).best
            for seed in 0..<3 as Range<UInt64> {
                let r = try EvolutionarySearch(population: 100, generations: 100).search(try problem("compofa-mbv3-w1.2", budget: budget), seed: seed)
                total += 1
                if r.best.accuracy == optimum.accuracy { hits += 1 }
                #expect(r.best.accuracy <= optimum.accuracy)
            }
        }
        // The tightest budget has a local optimum two depth moves away; allow one miss in twelve.
        #expect(hits >= total - 1)
    }

    @Test func randomSearchKeepsTheBestOfFeasibleSamples() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 25)
        let r = try RandomSearch(samples: 250, batchSize: 100).search(p, seed: 4)
        #expect(r.evaluations == 250 && r.history.count == 3 && r.generations == 3)
        #expect(r.best.efficiency <= 25)
        #expect(r.front.allSatisfy { $0.efficiency <= 25 })
        #expect(r.best == r.front.last)
    }

    @Test func tightBudgetFallsBackToRepair() throws {
        let range = try problem("ofa-mbv3-w1.2", budget: 1).feasibleRange()
        let p = try problem("ofa-mbv3-w1.2", budget: range.minimum * 1.001)
        var ea = EvolutionarySearch(population: 10, generations: 3)
        ea.maxTries = 5
        let r = try ea.search(p, seed: 1)
        #expect(r.repaired > 0)
        #expect(r.best.efficiency <= p.budget)
        #expect(r.population.allSatisfy { $0.efficiency <= p.budget })
    }

    @Test func warmStartUsesTheGivenPopulation() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 35)
        let first = try EvolutionarySearch(population: 20, generations: 10).search(p, seed: 1)
        var warm = EvolutionarySearch(population: 20, generations: 0)
        let tighter = p.with(budget: 25)
        let zero = try warm.search(tighter, seed: 2, initialPopulation: first.population.map(\.arch))
        // Generation 0 only: the given population, repaired where over the new budget.
        #expect(zero.population.count == first.population.count)
        #expect(zero.population.allSatisfy { $0.efficiency <= 25 })
        #expect(zero.repaired == first.population.filter { $0.efficiency > 25 }.count)
        warm.termination = .generations(5)
        let next = try warm.search(tighter, seed: 2, initialPopulation: first.population.map(\.arch))
        #expect(next.evaluations == first.population.count + 5 * 20)
        #expect(next.best.accuracy >= zero.best.accuracy)
        // Shared evaluator: the warm run's predictions partly come from the first run's cache.
        #expect(next.counts.accuracyPredictions < next.counts.uniqueArchitectures)
    }

    @Test func terminationByEvaluations() throws {
        var ea = EvolutionarySearch(population: 20)
        ea.termination = .evaluations(100)
        let r = try ea.search(try problem("ofa-mbv3-w1.2", budget: 25), seed: 1)
        #expect(r.evaluations == 100 && r.generations == 4)
    }

    @Test func strategiesByName() throws {
        var settings = SearchSettings()
        settings.evaluations = 100   // surrogate search's budget; the others ignore it
        for name in SearchStrategies.names { #expect(try SearchStrategies.make(name, settings: settings).name == name) }
        #expect(throws: SearchError.unknownStrategy("genetic", known: SearchStrategies.names)) { try SearchStrategies.make("genetic") }
        #expect(throws: SearchError.self) { try SearchStrategies.make("evolutionary", settings: SearchSettings(population: 0)) }
        let random = try #require(try SearchStrategies.make("random", settings: SearchSettings(population: 10, generations: 4)) as? RandomSearch)
        #expect(random.samples == 50)
    }

    @Test func topKSelectionBreaksTiesLikeOFA() {
        let arch = OFASpace(width: .w1_2, resolutions: [224]).smallest(resolution: 224)
        let pop = [0.5, 0.7, 0.5, 0.7, 0.6].enumerated().map { Candidate(arch: arch, accuracy: $1, efficiency: Double($0)) }
        // Python: sorted(pop, key=acc)[::-1] puts the later of equal entries first.
        #expect(TopKSelection().select(pop, count: 4).map(\.efficiency) == [3, 1, 4, 2])
        // Against a full sort, with many ties.
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<200 {
            let n = Int.random(in: 1..<130, using: &rng), k = Int.random(in: 1..<40, using: &rng)
            let p = (0..<n).map { Candidate(arch: arch, accuracy: Double(Int.random(in: 0..<8, using: &rng)), efficiency: Double($0)) }
            let sorted = p.indices.sorted { p[$0].accuracy > p[$1].accuracy || (p[$0].accuracy == p[$1].accuracy && $0 > $1) }
            #expect(TopKSelection().select(p, count: k).map(\.efficiency) == sorted.prefix(k).map { Double($0) })
        }
    }
}
