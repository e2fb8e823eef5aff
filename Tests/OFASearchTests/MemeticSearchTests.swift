import Foundation
import Testing
@testable import OFASearch
import OFATestSupport

/// The climb (``LocalSearch``) and the memetic search built on it (issue 14's single-target
/// search): neighbourhoods, budgets, never worse than the start, determinism, manifests.
struct MemeticSearchTests {
    let space = try! SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [160, 192, 224])

    func problem(budget: Double = 16) -> SearchProblem {
        SearchProblem(space: space, accuracy: FakeAccuracy(), efficiency: FakeCost(), budget: budget)
    }

    /// Number of choices two subnets differ in, the way the climb counts them: the resolution,
    /// each unit's depth, each block active in both by kernel and by expand.
    func choicesApart(_ a: Architecture, _ b: Architecture) -> Int {
        var n = a.resolution == b.resolution ? 0 : 1
        for u in 0..<Architecture.unitCount {
            if a.depth(unit: u) != b.depth(unit: u) { n += 1 }
            for j in 0..<min(a.depth(unit: u), b.depth(unit: u)) {
                let blk = u * Architecture.maxDepth + j
                if a.kernelSize(block: blk) != b.kernelSize(block: blk) { n += 1 }
                if a.expandRatio(block: blk) != b.expandRatio(block: blk) { n += 1 }
            }
        }
        return n
    }

    @Test func oneChoiceNeighboursAreEveryValidSingleChange() throws {
        var rng = SeededGenerator(seed: 4)
        let arch = space.sample(using: &rng)
        let single = LocalSearch.neighbours(of: arch, in: space, choices: 1)
        #expect(Set(single).count == single.count)
        #expect(!single.contains(arch))
        for n in single {
            try space.validate(n)
            #expect(choicesApart(arch, n) == 1)
        }
        // Resolutions (2 others) + depths (2 others per unit, the new blocks copying the last) +
        // one block deeper with the other 8 (kernel, expand) settings + kernels and expands (2
        // others each per active block).
        let active = arch.activeBlocks.count
        let growable = (0..<Architecture.unitCount).filter { arch.depth(unit: $0) < 4 }.count
        #expect(single.count == 2 + 2 * Architecture.unitCount + 8 * growable + 4 * active)
        let u = try #require((0..<Architecture.unitCount).first { arch.depth(unit: $0) < 4 })
        let newBlock = u * Architecture.maxDepth + arch.depth(unit: u)
        let grown = single.filter { $0.depth(unit: u) == arch.depth(unit: u) + 1 }
        #expect(Set(grown.map { [$0.kernelSize(block: newBlock), $0.expandRatio(block: newBlock)] }).count == 9)

        let pairs = LocalSearch.neighbours(of: arch, in: space, choices: 2)
        #expect(Set(pairs).count == pairs.count)
        #expect(Set(pairs).isDisjoint(with: Set(single)))
        for n in pairs.prefix(500) {
            try space.validate(n)
            #expect((1...2).contains(choicesApart(arch, n)) || n.d != arch.d)
        }
    }

    @Test func coupledSpacesKeepTheirCoupling() throws {
        let compofa = try SpaceCatalog.space(named: "compofa-mbv3-w1.2", resolutions: [160, 224])
        var rng = SeededGenerator(seed: 2)
        let arch = compofa.sample(using: &rng)
        for n in LocalSearch.neighbours(of: arch, in: compofa, choices: 2) { try compofa.validate(n) }
        #expect(!LocalSearch.neighbours(of: arch, in: compofa, choices: 1).isEmpty)
    }

    @Test func aClimbNeverGetsWorseStaysWithinBudgetAndSpendsAtMostItsEvaluations() throws {
        let p = problem(budget: 16)
        var ea = EvolutionarySearch(population: 20, generations: 5)
        ea.maxTries = 1_000
        let start = try ea.search(p, seed: 3).best
        let before = p.evaluator.counts.accuracyRequests
        let climb = try LocalSearch(evaluations: 300).climb(from: start, in: p, seed: 3)
        #expect(climb.best.accuracy >= start.accuracy)
        #expect(climb.best.efficiency <= 16)
        #expect(climb.evaluations <= 300)
        #expect(p.evaluator.counts.accuracyRequests - before == climb.evaluations)
        #expect(climb.best.accuracy == FakeAccuracy.value(climb.best.arch))
        #expect(climb.best.efficiency == FakeCost().cost(climb.best.arch))
        // The fake accuracy grows with every choice: a climb from a weak start finds better.
        #expect(climb.moves > 0 && climb.best.accuracy > start.accuracy)
    }

    @Test func anUnboundedClimbEndsAtALocalOptimum() throws {
        let p = problem(budget: 16)
        var rng = SeededGenerator(seed: 9)
        var arch = space.smallest(resolution: 160)
        while (try p.evaluator.efficiency(of: arch)) > 16 { arch = space.sample(using: &rng) }
        let start = Candidate(arch: arch, accuracy: FakeAccuracy.value(arch), efficiency: FakeCost().cost(arch))
        let climb = try LocalSearch(evaluations: 1_000_000).climb(from: start, in: p, seed: 1)
        #expect(climb.evaluations < 1_000_000)
        // No one-choice neighbour within the budget is better.
        for n in LocalSearch.neighbours(of: climb.best.arch, in: space, choices: 1) where FakeCost().cost(n) <= 16 {
            #expect(FakeAccuracy.value(n) <= climb.best.accuracy)
        }
    }

    /// An accuracy with interactions between blocks (a two-choice trade can pay where no single
    /// change does).
    struct RuggedAccuracy: AccuracyPredictor {
        let name = "rugged"
        static func value(_ a: Architecture) -> Double {
            var x = 0.0
            for b in a.activeBlocks { x += Double(a.kernelSize(block: b) * a.expandRatio(block: b) * (b % 7 + 1)) }
            return FakeAccuracy.value(a) + 0.004 * cos(x / 3)
        }
        func predictAccuracy(_ archs: [Architecture]) throws -> [Double] { archs.map(Self.value) }
    }

    @Test func anUnboundedClimbEndsWhereNoTwoChoiceNeighbourIsBetter() throws {
        let p = SearchProblem(space: space, accuracy: RuggedAccuracy(), efficiency: FakeCost(), budget: 14)
        for seed: UInt64 in 1...3 {
            var rng = SeededGenerator(seed: seed)
            var arch = space.sample(using: &rng)
            while FakeCost().cost(arch) > 14 { arch = space.sample(using: &rng) }
            let start = Candidate(arch: arch, accuracy: RuggedAccuracy.value(arch), efficiency: FakeCost().cost(arch))
            let climb = try LocalSearch(evaluations: 10_000_000).climb(from: start, in: p, seed: seed)
            let around = LocalSearch.neighbours(of: climb.best.arch, in: space, choices: 1)
                + LocalSearch.neighbours(of: climb.best.arch, in: space, choices: 2)
            let better = around.filter { FakeCost().cost($0) <= 14 && RuggedAccuracy.value($0) > climb.best.accuracy }
            #expect(better.isEmpty, "seed \(seed): \(better.count) better neighbours")
        }
    }

    @Test func memeticSpendsItsBudgetAtMostAndIsDeterministic() throws {
        var evolution = EvolutionarySearch(population: 20, generations: 30)
        evolution.maxTries = 1_000
        let memetic = MemeticSearch(evolution: evolution, stall: 3, climbEvaluations: 200)
        let a = try memetic.search(problem(), seed: 5)
        let b = try memetic.search(problem(), seed: 5)
        #expect(a.best == b.best && a.counts == b.counts && a.history == b.history)
        #expect(a.strategy == "memetic")
        #expect(a.evaluations <= 20 * 31)
        // Distinct architectures counted once for the whole run (restarts and climbs): with a
        // fresh evaluator, every distinct one was predicted once.
        #expect(a.counts.uniqueArchitectures == a.counts.accuracyPredictions)
        #expect(a.best.efficiency <= 16)
        #expect(a.best.accuracy == FakeAccuracy.value(a.best.arch))
        // Restarts: more generations than one stalled search runs, numbered on in the history.
        #expect(a.generations > 3)
        #expect(zip(a.history, a.history.dropFirst()).allSatisfy { $0.accuracy <= $1.accuracy && $0.generation < $1.generation })
        #expect(a.history.last?.accuracy == a.best.accuracy)
        #expect(a.front.contains(a.best))
        // Never worse than its first restart, which is the evolutionary search with the stall.
        var first = evolution
        first.termination = Termination(generations: 30, evaluations: 20 * 31 - 200 - 20 + 1, stall: 3)
        #expect(a.best.accuracy >= (try first.search(problem(), seed: 5)).best.accuracy)
    }

    @Test func memeticIsMadeByNameAndFromManifests() throws {
        var settings = SearchSettings(population: 30, generations: 40)
        settings.climbEvaluations = 123
        settings.restartStall = 7
        let s = try #require(try SearchStrategies.make("memetic", settings: settings) as? MemeticSearch)
        #expect(s.evolution.population == 30 && s.evaluations == 30 * 41)
        #expect(s.stall == 7 && s.climb.evaluations == 123)
        settings.restartStall = 0
        #expect(throws: SearchError.self) { try SearchStrategies.make("memetic", settings: settings) }

        var spec = StrategySpec(label: "memetic", kind: .memetic)
        spec.generations = 40
        spec.climbEvaluations = 500
        let made = try #require(try spec.makeStrategy() as? MemeticSearch)
        #expect(made.evaluations == 100 * 41 && made.climb.evaluations == 500)
        // The defaults spend OFA's budget, climbs included.
        #expect(try #require(try SearchStrategies.make("memetic") as? MemeticSearch).evaluations == 50_100)
        #expect(spec.settings.map(\.0).contains("restart_stall"))
    }
}
