import Foundation
import Testing
@testable import OFACore
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

/// Search with OFA's MLP and the note10 table (skipped without ../shared).
@Suite(.enabled(if: TestData.available, TestData.skipReason))
struct SearchRealDataTests {
    static let resolutions = [160, 176, 192, 208, 224]

    func problem(_ name: String, budget: Double, threads: Int = 1) throws -> SearchProblem {
        let space = try SpaceCatalog.space(named: name, resolutions: Self.resolutions)
        let mlp = try PredictorLoader.accuracy(path: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json"))
        let lut = try PredictorLoader.latency(path: TestData.path("latency/note10"), space: space)
        return SearchProblem(space: space, accuracy: mlp, efficiency: lut, budget: budget, threads: threads)
    }

    @Test func feasibleRangeOfNote10IsTheSmallestAndLargestSubnet() throws {
        // golden.json: 9.890347 ms (smallest at 160) … the largest at 224.
        let p = try problem("ofa-mbv3-w1.2", budget: 25)
        let range = try p.feasibleRange()
        #expect(abs(range.minimum - 9.890347) < 1e-4)
        #expect(range.cheapest == p.space.smallest(resolution: 160))
        #expect(range.dearest == p.space.largest(resolution: 224))
        #expect(throws: SearchError.self) { try EvolutionarySearch().search(try problem("ofa-mbv3-w1.2", budget: 9.8), seed: 0) }
    }

    /// Lowering any one choice never raises note10's latency, so its smallest subnet is the
    /// cheapest. (The i7-8700K table is not monotone; see the next test.)
    @Test func note10IsMonotone() throws {
        let (violations, checked) = try monotonicity("latency/note10")
        #expect(checked > 10_000)
        #expect(violations == 0)
    }

    /// In the i7-8700K table some smaller choices measure slower (about 1% of single moves), so
    /// the feasible range comes from a descent: never above the smallest subnet, and a local
    /// minimum that no single move improves.
    @Test func i7RangeIsALocalMinimumBelowTheSmallestSubnet() throws {
        let (violations, _) = try monotonicity("latency/i7-8700k_lut.yaml")
        #expect(violations > 0)
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: Self.resolutions)
        let lut = try PredictorLoader.latency(path: TestData.path("latency/i7-8700k_lut.yaml"), space: space)
        let p = SearchProblem(space: space, accuracy: try PredictorLoader.accuracy(path: TestData.path("predictors/ofa-tutorial-mlp-w1.2.json")),
                              efficiency: lut, budget: 100)
        let range = try p.feasibleRange()
        for r in space.resolutions { #expect(range.minimum <= (try lut.predictEfficiency(space.smallest(resolution: r)))) }
        let neighbours = FeasibleRange.neighbours(of: range.cheapest, in: space) { $0.first! }
        #expect(try lut.predictEfficiency(neighbours).allSatisfy { $0 >= range.minimum })
        #expect(range.minimum == (try lut.predictEfficiency(range.cheapest)))
    }

    private func monotonicity(_ table: String) throws -> (violations: Int, checked: Int) {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: Self.resolutions)
        let lut = try PredictorLoader.latency(path: TestData.path(table), space: space)
        var rng = SeededGenerator(seed: 21)
        var violations = 0, checked = 0
        for _ in 0..<1000 {
            let a = space.sample(using: &rng)
            let cost = try lut.predictEfficiency(a)
            for move in ShrinkRepair.shrinkMoves(of: a, in: space) {
                checked += 1
                if try lut.predictEfficiency(ShrinkRepair.apply(move, to: a, in: space)) > cost + 1e-9 { violations += 1 }
            }
        }
        return (violations, checked)
    }

    @Test func shortSearchIsFeasibleAndBeatsRandomSampling() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 25)
        let ea = try EvolutionarySearch(population: 100, generations: 60).search(p, seed: 3)
        let rs = try RandomSearch(samples: 6100).search(p.fresh(budget: 25), seed: 3)
        #expect(ea.best.efficiency <= 25 && rs.best.efficiency <= 25)
        #expect(ea.best.accuracy > rs.best.accuracy)
        #expect(ea.best.accuracy > 0.81)
    }

    @Test func exhaustiveCompOFAMatchesBruteForce() throws {
        let p = try problem("compofa-mbv3-w1.2", budget: 25, threads: 2)
        let results = try ExhaustiveSearch().search(p, budgets: [15, 25, 40], seed: 0)
        let all = try p.space.enumerate()
        let ms = try p.efficiencyPredictor.predictEfficiency(all)
        let acc = try p.accuracyPredictor.predictAccuracy(all)
        for r in results {
            let best = all.indices.filter { ms[$0] <= r.budget }.max { acc[$0] < acc[$1] }!
            #expect(abs(r.best.accuracy - acc[best]) < 1e-6)
            #expect(r.best.efficiency <= r.budget)
        }
    }
}
