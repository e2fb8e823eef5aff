import Foundation
import Testing
@testable import OFACore
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

/// The front result (issue 16): one schema for `--front`, `--multi nsga2`, CSV and SVG; and the
/// NSGA-II changes (stratified first population, no repeated evaluations, the cost floor).
@Suite struct FrontResultTests {
    static let resolutions = [160, 176, 192, 208, 224]
    static let arch = OFASpace(width: .w1_2, resolutions: [224]).smallest(resolution: 224)

    func problem(_ name: String = "ofa-mbv3-w1.2", budget: Double = 10, threads: Int = 1) throws -> SearchProblem {
        let space = try SpaceCatalog.space(named: name, resolutions: Self.resolutions)
        return SearchProblem(space: space, accuracy: FakeAccuracy(), efficiency: FakeCost(), budget: budget, threads: threads)
    }

    /// Distinct architectures for hand-made points (resolution and first kernel vary).
    static func candidates(_ points: [(Double, Double)]) -> [Candidate] {
        let space = OFASpace(width: .w1_2, resolutions: resolutions)
        var rng = SeededGenerator(seed: 5)
        var seen = Set<Architecture>()
        return points.map { p in
            var a = space.sample(using: &rng)
            while !seen.insert(a).inserted { a = space.sample(using: &rng) }
            return Candidate(arch: a, accuracy: p.1, efficiency: p.0)
        }
    }

    // MARK: FrontResult

    @Test func handMadeFrontIndicesHypervolumeJSONAndCSV() throws {
        // (cost, accuracy): (25, .74) is dominated by (20, .78).
        let c = Self.candidates([(10, 0.72), (20, 0.78), (25, 0.74), (40, 0.80), (70, 0.90)])
        let ref = Hypervolume.Reference(maxCost: 60, minAccuracy: 0.70, minCost: 15)
        let f = FrontResult(points: c, answers: [(15, c[0]), (30, c[2]), (60, c[3])], metric: .latency, reference: ref)
        #expect(f.points.map(\.efficiency) == [10, 20, 40, 70])
        // The dominated answer is on no front point: null.
        #expect(f.frontIndex == [0, nil, 2])
        // [15, 20): 0.02; [20, 40): 0.08; [40, 60]: 0.10 (the 70 ms point is beyond the window).
        #expect(abs(f.hypervolume - (5 * 0.02 + 20 * 0.08 + 20 * 0.10)) < 1e-12)
        let json = try JSONSerialization.jsonObject(with: Data(f.json.rendered().utf8)) as! [String: Any]
        #expect(json["size"] as? Int == 4)
        let hv = json["hypervolume"] as! [String: Any]
        #expect(abs((hv["value"] as! Double) - 3.7) < 1e-12)
        #expect(hv["min_accuracy"] as? Double == 0.7 && hv["min_latency_ms"] as? Int == 15 && hv["max_latency_ms"] as? Int == 60)
        let points = json["points"] as! [[String: Any]]
        #expect(points.map { $0["latency_ms"] as! Int } == [10, 20, 40, 70])
        #expect(points[1]["arch"] != nil)
        let lines = f.csv.split(separator: "\n")
        #expect(lines[0] == "index,accuracy,latency_ms,r,d,ks,e,answers")
        #expect(lines.count == 5)
        #expect(lines[1].hasPrefix("0,0.72,10,\(c[0].arch.resolution),") && lines[1].hasSuffix(",15"))
        #expect(lines[3].hasSuffix(",60") && lines[2].hasSuffix(","))
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 8 && fields[4].split(separator: " ").count == 5 && fields[5].split(separator: " ").count == 20)
        let svg = f.svg()
        #expect(svg.contains("<svg") && svg.hasSuffix("</svg>\n") && svg.contains("hypervolume 3.7000") && svg.contains("[15, 60] ms"))
    }

    @Test func defaultReferenceIsTheTargetsWindow() {
        let r = FrontResult.reference(targets: [30, 15, 60])
        #expect(r == Hypervolume.Reference(maxCost: 60, minAccuracy: 0.70, minCost: 15))
        // One target: no floor (the standard hypervolume up to the target).
        #expect(FrontResult.reference(targets: [25], minAccuracy: 0.5) == Hypervolume.Reference(maxCost: 25, minAccuracy: 0.5))
        // Exact in binary: 10 × 0.25 + 5 × 0.375.
        let c = Self.candidates([(10, 0.75), (20, 0.875)])
        let f = FrontResult(points: c, answers: [(25, c[1])], metric: .latency, reference: FrontResult.reference(targets: [25], minAccuracy: 0.5))
        #expect(f.hypervolume == 4.375)
        #expect(f.json(points: false).rendered() == #"{"size":2,"hypervolume":{"value":4.375,"min_accuracy":0.5,"min_latency_ms":null,"max_latency_ms":25}}"#)
    }

    // MARK: The NSGA-II JSON

    static let targets: [Double] = [7, 8.5, 10]

    @Test func nsga2JSONHasTheFrontOnceAndTheTotalsAtTheTop() throws {
        let p = try problem()
        let sweep = MultiTargetSweep(mode: .nsga2, nsga2: NSGA2Search(population: 20, generations: 9))
        let out = try sweep.run(problem: p, targets: Self.targets, seed: 4)
        let json = try JSONSerialization.jsonObject(with: Data(out.json(history: true, front: true).rendered().utf8)) as! [String: Any]
        for key in ["variant", "warm_generations", "order", "pareto_front"] { #expect(json[key] == nil, "\(key)") }
        #expect(json["multi"] as? String == "nsga2" && json["population"] as? Int == 20 && json["generations"] as? Int == 9)
        #expect(json["cost_floor"] as? Double == 7 && json["initialization"] as? String == "stratified")
        #expect(json["eliminate_duplicates"] as? Bool == true)
        #expect(json["evaluations"] as? Int == 200 && json["unique_architectures"] as? Int == 200)
        #expect((json["history"] as! [Any]).count == 10)
        let results = json["results"] as! [[String: Any]]
        #expect(results.count == 3)
        let front = json["front"] as! [String: Any]
        let points = front["points"] as! [[String: Any]]
        #expect(front["size"] as? Int == points.count && points.count == out.nsga2!.front.count)
        for (i, r) in results.enumerated() {
            #expect(Set(r.keys) == ["target", "arch", "accuracy", "latency_ms", "front_index"])
            let k = try #require(r["front_index"] as? Int)
            #expect(points[k]["accuracy"] as? Double == r["accuracy"] as? Double)
            #expect((points[k]["latency_ms"] as! Double) <= Self.targets[i])
            // The answer is the front's most accurate point within the target.
            #expect(k == points.count - 1 || (points[k + 1]["latency_ms"] as! Double) > Self.targets[i])
        }
        let hv = front["hypervolume"] as! [String: Any]
        let ref = Hypervolume.Reference(maxCost: 10, minAccuracy: 0.70, minCost: 7)
        #expect(abs((hv["value"] as! Double) - Hypervolume.area(of: out.nsga2!.front.map { ($0.efficiency, $0.accuracy) }, reference: ref)) < 1e-12)
        #expect(out.front().hypervolume == Hypervolume.area(of: out.nsga2!.front.map { ($0.efficiency, $0.accuracy) }, reference: ref))
        #expect(hv["min_latency_ms"] as? Int == 7 && hv["max_latency_ms"] as? Int == 10)
    }

    @Test func warmSweepFrontIsTheUnionOnceWithIndices() throws {
        let p = try problem()
        let out = try MultiTargetSweep(mode: .topDown, warmGenerations: 3, strategy: EvolutionarySearch(population: 20, generations: 6))
            .run(problem: p, targets: Self.targets, seed: 2)
        let json = try JSONSerialization.jsonObject(with: Data(out.json(front: true).rendered().utf8)) as! [String: Any]
        let results = json["results"] as! [[String: Any]]
        #expect(results.allSatisfy { $0["pareto_front"] == nil && $0.keys.contains("front_index") })
        let front = json["front"] as! [String: Any]
        #expect(front["size"] as? Int == ParetoFront(out.results.flatMap(\.front)).members.count)
        // Without --front nothing changes: no front, no indices.
        let plain = try JSONSerialization.jsonObject(with: Data(out.json().rendered().utf8)) as! [String: Any]
        #expect(plain["front"] == nil && (plain["results"] as! [[String: Any]]).allSatisfy { $0["front_index"] == nil })
    }

    // MARK: NSGA-II operators

    @Test func nsga2EvaluatesEveryArchitectureOnce() throws {
        let p = try problem("ofa-mbv3-w1.2", budget: 10)
        // A population of 20 over 30 generations breeds repeats (identical parents, undone mutations).
        var keep = NSGA2Search(population: 20, generations: 30)
        keep.eliminateDuplicates = false
        let before = try keep.search(p.fresh(budget: 10), seed: 1)
        #expect(before.counts.uniqueArchitectures < before.evaluations)
        var answers = NSGA2Search(population: 20, generations: 30)
        for targets in [[], Self.targets] {
            answers.targets = targets
            let after = try answers.search(p.fresh(budget: 10), seed: 1)
            #expect(after.evaluations == 20 * 31)
            #expect(after.counts.uniqueArchitectures == after.evaluations)
            #expect(after.front.allSatisfy { $0.efficiency <= 10 })
        }
    }

    @Test func answersAreEachTargetsMostAccurateMemberSmallestTargetFirst() {
        // (cost, accuracy); nothing costs 5 or less.
        let c = Self.candidates([(6, 0.71), (7, 0.75), (8, 0.74), (9.5, 0.80), (10, 0.79)])
        let answers = NSGA2Search.answers(to: [10, 5, 8.5, 7], in: c)
        #expect(answers.map(\.target) == [7, 8.5, 10])
        #expect(answers.map(\.arch) == [c[1].arch, c[1].arch, c[3].arch])
    }

    /// Answer parents: the first mutation children are mutants of the targets' answers in turn
    /// (across generations too), each within its parent's target; the first crossover children
    /// cross adjacent answers, within the larger one's target; the rest are tournament children
    /// under the budget. Population 24, 4 targets: 7 answer mutants and 4 answer crossovers per
    /// generation, so the turn moves on from one generation to the next.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func answerParentsBreedEachChildWithinItsParentsTarget(seed: UInt64) throws {
        let p = try problem(budget: 10)
        let targets: [Double] = [7, 8, 9, 10]
        var nsga2 = NSGA2Search(population: 24, generations: 4)
        nsga2.targets = targets
        let members = try nsga2.search(p, seed: seed).population
        // Every answer-bred child checked (with duplicates dropped, a child that keeps repeating
        // earlier ones is bred from tournament winners after 10 attempts).
        nsga2.eliminateDuplicates = false
        let ranked = NSGA2Search.Ranked(selecting: 24, from: members)
        let answers = NSGA2Search.answers(to: targets, in: ranked.members)
        let adjacent = zip(answers, answers.dropFirst()).filter { $0.arch != $1.arch }
        #expect(answers.count == 4 && adjacent.count >= 2)
        let mutants = nsga2.breeding.mutationCount
        let answerMutants = Breeding.share(0.6, of: mutants), pairs = Breeding.share(0.3, of: 24 - mutants)
        #expect(mutants == 12 && answerMutants == 7 && pairs == 4)
        var run = try SearchRun(p, seed: seed, maxTries: 1000)
        var seen = DuplicateElimination(), archs: [Architecture] = [], costs: [Double] = []
        for generation in 0..<3 {
            try nsga2.breed(mutants: mutants, generation: generation, ranked: ranked, sampler: &run.sampler, seen: &seen, in: p.space,
                            using: &run.rng, into: &archs, costs: &costs)
            #expect(archs.count == 24 && costs.allSatisfy { $0 <= 10 })
            for k in 0..<answerMutants {
                let parent = answers[(generation * answerMutants + k) % answers.count]
                #expect(costs[k] <= parent.target, "mutant \(k) of the \(parent.target) answer costs \(costs[k])")
                // A mutant shares most choices with its parent (an unrelated subnet about a third).
                let same = zip(archs[k].ks + archs[k].e, parent.arch.ks + parent.arch.e).filter { $0 == $1 }.count
                #expect(same >= 24, "mutant \(k) shares \(same) of 40 choices with its parent")
            }
            for i in 0..<pairs {
                let (a, b) = adjacent[(generation * pairs + i) % adjacent.count]
                let child = archs[mutants + i]
                #expect(costs[mutants + i] <= b.target)
                #expect([a.arch.resolution, b.arch.resolution].contains(child.resolution))
                #expect(zip(child.d, zip(a.arch.d, b.arch.d)).allSatisfy { $0 == $1.0 || $0 == $1.1 })
            }
        }
        // Without targets, answer parents are tournament parents.
        var tournament = nsga2
        tournament.parents = .tournament
        #expect(try tournament.search(p, seed: seed).front != nsga2.search(p, seed: seed).front)
        var untargeted = nsga2
        untargeted.targets = []
        #expect(try untargeted.search(p, seed: seed).front == tournament.search(p, seed: seed).front)
    }

    /// Tournament parents breed as before issue 16's second round: with duplicates kept, one
    /// generation is exactly the shared rejection sampler's breeding from tournament winners.
    @Test func tournamentParentsBreedAsTheEarlierSearch() throws {
        let p = try problem(budget: 10)
        var nsga2 = NSGA2Search(population: 20, generations: 3)
        nsga2.targets = Self.targets
        nsga2.parents = .tournament
        nsga2.eliminateDuplicates = false
        let ranked = NSGA2Search.Ranked(selecting: 20, from: try nsga2.search(p, seed: 6).population)
        var one = try SearchRun(p, seed: 8, maxTries: 1000), two = try SearchRun(p, seed: 8, maxTries: 1000)
        var seen = DuplicateElimination(), archs: [Architecture] = [], costs: [Double] = []
        try nsga2.breed(mutants: 10, generation: 2, ranked: ranked, sampler: &one.sampler, seen: &seen, in: p.space,
                        using: &one.rng, into: &archs, costs: &costs)
        var earlier: [Architecture] = [], earlierCosts: [Double] = []
        try two.sampler.breed(population: 20, mutants: 10, mutation: nsga2.breeding.mutation, crossover: nsga2.breeding.crossover,
                              in: p.space, using: &two.rng, parent: { ranked.tournament(using: &$0) }, into: &earlier, costs: &earlierCosts)
        #expect(archs == earlier && costs == earlierCosts && seen.count == 0)
    }

    @Test func nsga2SweepBreedsFromTheAnswersUnlessTournament() throws {
        let sweep = try SweepSettings().sweep(mode: .nsga2, variant: .improved, search: SearchSettings(population: 12, generations: 3))
        #expect(sweep.nsga2.parents == .answers && sweep.nsga2.mutationRatio == 0.5)
        #expect(sweep.nsga2.answerMutationShare == 0.6 && sweep.nsga2.answerCrossoverShare == 0.3)
        var settings = SweepSettings()
        settings.nsga2Parents = .tournament
        #expect(try settings.sweep(mode: .nsga2, variant: .improved, search: SearchSettings()).nsga2.parents == .tournament)
        // The run's JSON says what it used; the sweep hands NSGA-II its targets.
        let out = try sweep.run(problem: problem(), targets: Self.targets, seed: 1)
        #expect(out.nsga2Settings?.targets == Self.targets)
        let json = try JSONSerialization.jsonObject(with: Data(out.json().rendered().utf8)) as! [String: Any]
        #expect(json["mutation_ratio"] as? Double == 0.5 && json["parents"] as? String == "answers")
        for (m, c) in [(1.5, 0.3), (0.6, -0.1)] {
            var bad = NSGA2Search()
            bad.answerMutationShare = m
            bad.answerCrossoverShare = c
            #expect(throws: SearchError.self) { try bad.validate() }
        }
    }

    @Test(arguments: ["ofa-mbv3-w1.2", "compofa-elastic-mbv3-w1.2"])
    func stratifiedSamplingSpreadsOverTheWindow(space name: String) throws {
        let p = try problem(name)
        let range = try p.feasibleRange()
        var rng = SeededGenerator(seed: 9)
        let low = range.minimum + 1, high = 10.0
        let members = try CostStratifiedSampling().population(count: 11, low: low, high: high, in: p.space, using: &rng) {
            try p.evaluator.uncachedEfficiency(of: $0)
        }
        #expect(members.count == 11)
        for (i, m) in members.enumerated() {
            let aim = low + Double(i) / 10 * (high - low)
            #expect(m.cost <= aim + 1e-12)
            #expect(m.cost == FakeCost().cost(m.arch) && p.space.contains(m.arch))
            // Grown until no single step fits: within a step of the aim (FakeCost's steps are small
            // next to the window of ~4 units).
            #expect(m.cost > aim - 0.5 * (high - low) / 10 - 0.3, "member \(i): \(m.cost) for aim \(aim)")
        }
    }

    @Test func costFloorRanksCheaperPointsAsEqual() {
        // Below the floor 5, (1, .2) and (3, .3) tie on cost: (3, .3) dominates (1, .2).
        let pool = [(1.0, 0.2), (3, 0.3), (6, 0.4), (8, 0.5)].map { Candidate(arch: Self.arch, accuracy: $0.1, efficiency: $0.0) }
        let plain = NSGA2Search.Ranked(selecting: 4, from: pool)
        #expect(plain.rank == [0, 0, 0, 0])
        let floored = NSGA2Search.Ranked(selecting: 4, from: pool, floor: 5)
        #expect(floored.members.map(\.efficiency) == [3, 6, 8, 1] && floored.rank == [0, 0, 0, 1])
    }

    @Test func nsga2SweepSetsTheFloorToTheSmallestTargetUnlessTurnedOff() throws {
        let p = try problem()
        var sweep = MultiTargetSweep(mode: .nsga2, nsga2: NSGA2Search(population: 12, generations: 3))
        #expect(try sweep.run(problem: p, targets: [9, 7.5], seed: 1).nsga2Settings?.costFloor == 7.5)
        sweep.nsga2FloorAtSmallestTarget = false
        #expect(try sweep.run(problem: p, targets: [9, 7.5], seed: 1).nsga2Settings?.costFloor == nil)
    }

    @Test func nsga2IsDeterministicAtAnyThreadCount() throws {
        var runs: [String] = []
        for threads in [1, 2, 4] {
            let p = try problem("ofa-mbv3-w1.2", threads: threads)
            var out = try MultiTargetSweep(mode: .nsga2, nsga2: NSGA2Search(population: 24, generations: 8))
                .run(problem: p, targets: Self.targets, seed: 21)
            out.seconds = 0
            runs.append(out.json(history: true).rendered())
        }
        #expect(runs[0] == runs[1] && runs[1] == runs[2])
    }

    // MARK: Bounds

    @Test func settingsBeyondTheBoundsAreRefusedWithTheBound() throws {
        #expect(throws: Never.self) { try SearchSettings(population: SearchSettings.maxPopulation, generations: SearchSettings.maxGenerations).checkBounds() }
        do {
            try SearchSettings(population: 10_000_000).checkBounds()
            Issue.record("population 1e7 was accepted")
        } catch let SearchError.invalidSetting(message) {
            #expect(message == "population must be at most 100000, got 10000000")
        }
        #expect(throws: SearchError.self) { try SearchSettings(generations: .max).checkBounds() }
        #expect(throws: SearchError.self) { try SearchSettings(samples: .max).checkBounds() }
        #expect(throws: SearchError.self) { try SearchStrategies.make("random", settings: SearchSettings(samples: SearchSettings.maxSamples + 1)) }
        // The default samples, P × (G + 1), are bounded too.
        #expect(throws: SearchError.self) { try SearchStrategies.make("random", settings: SearchSettings(population: 100_000, generations: 1_000_000)) }
        #expect(throws: SearchError.self) { try EvolutionarySearch(generations: 1_000_001).validate() }
        #expect(throws: SearchError.self) { try NSGA2Search(generations: .max).validate() }
    }

    // MARK: The command line

    static let executable = Executable.ofasearch
    static let skipReason = Executable.skipReason
    static let cpuArgs = ["search", "--space", "ofa-mbv3-w1.0", "--resolutions", "160,192,224",
                          "--accuracy", TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1",
                          "--latency", TestData.packageRoot + "/predictors/cpu-lut-w1.0"]

    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        (["--population", "10000000"], "--population must be at most 100000, got 10000000"),
        (["--generations", String(Int.max)], "--generations must be at most 1000000, got \(Int.max)"),
        (["--samples", String(Int.max), "--strategy", "random"], "--samples must be at most 100000000, got \(Int.max)"),
        (["--warm-generations", "2000000", "--multi", "top-down"], "--warm-generations must be at most 1000000, got 2000000"),
        (["--population", "0"], "--population must be at least 1, got 0"),
    ])
    func cliRefusesUnboundedNumbersInOneLine(extra: [String], message: String) throws {
        let start = Date()
        let (status, out, err) = try Executable.ofasearch(Self.cpuArgs + ["--target", "8"] + extra)
        #expect(status != 0 && out.isEmpty)
        #expect(err.contains(message), "\(err)")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        (["--nsga2-parents", "tournament"], "--nsga2-parents applies to --multi nsga2 only"),
        (["--nsga2-floor", "none", "--multi", "top-down"], "--nsga2-floor applies to --multi nsga2 only"),
        (["--nsga2-init", "x", "--multi", "nsga2"], "--nsga2-init: unknown 'x'; expected stratified or random"),
        (["--nsga2-parents", "ANSWERS", "--multi", "nsga2"], "--nsga2-parents: unknown 'ANSWERS'; expected answers or tournament"),
    ])
    func cliRefusesNSGA2OptionsOutsideNSGA2OrUnknown(extra: [String], message: String) throws {
        let (status, out, err) = try Executable.ofasearch(Self.cpuArgs + ["--target", "8"] + extra)
        #expect(status != 0 && out.isEmpty)
        #expect(err.contains(message), "\(err)")
    }

    @Test(.enabled(if: executable != nil, skipReason), arguments: ["8,,10", "8,", ",8", "8, ,10"])
    func cliRefusesEmptyTargetItems(targets: String) throws {
        let (status, out, err) = try Executable.ofasearch(Self.cpuArgs + ["--target", targets])
        #expect(status != 0 && out.isEmpty)
        #expect(err.contains("--target: item") && err.contains("is empty"), "\(err)")
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func cliNSGA2WritesJSONCSVAndPlotFromOneFront() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("front-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var outputs: [String] = []
        for threads in ["1", "2"] {
            let (status, out, err) = try Executable.ofasearch(Self.cpuArgs + [
                "--targets", "5,7,9", "--multi", "nsga2", "--population", "16", "--generations", "5", "--seed", "2",
                "--threads", threads, "--json", "--front-csv", dir + "/front.csv", "--plot", dir + "/front.svg"])
            #expect(status == 0, "\(err)")
            let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
            #expect(json["evaluations"] as? Int == 96 && json["variant"] == nil)
            let front = json["front"] as! [String: Any]
            let points = front["points"] as! [[String: Any]]
            let csv = try String(contentsOfFile: dir + "/front.csv", encoding: .utf8).split(separator: "\n")
            #expect(csv.count == points.count + 1)
            for (i, r) in (json["results"] as! [[String: Any]]).enumerated() {
                let k = try #require(r["front_index"] as? Int)
                #expect(csv[k + 1].hasPrefix("\(k),") && csv[k + 1].split(separator: ",", omittingEmptySubsequences: false)[7].contains(["5", "7", "9"][i]))
            }
            #expect(try String(contentsOfFile: dir + "/front.svg", encoding: .utf8).contains("Pareto front"))
            outputs.append(out.replacingOccurrences(of: #""seconds": [0-9.e-]+"#, with: "", options: .regularExpression))
        }
        #expect(outputs[0] == outputs[1])
        // An output folder that does not exist is refused before searching.
        let (status, _, err) = try Executable.ofasearch(Self.cpuArgs + ["--target", "8", "--plot", "/nonexistent-folder/p.svg"])
        #expect(status != 0 && err.contains("--plot"))
    }
}
