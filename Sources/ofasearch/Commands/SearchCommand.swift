import ArgumentParser
import Foundation
import OFASearch

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search for the most accurate subnet under one or more budgets.",
        discussion: """
        Example: ofasearch search --space ofa-mbv3-w1.2 --resolutions 160,176,192,208,224 \\
          --accuracy ../shared/ofa-data/predictors/ofa-tutorial-mlp-w1.2.json \\
          --latency ../shared/ofa-data/latency/note10 --target 15,20,25,30 --seed 3 --json
        """
    )

    @OptionGroup var space: SpaceOptions

    @Option(help: "Accuracy predictor: OFA's MLP json or an XGBoost model directory (predictors/ofa-mbv3-w1.0-top1).")
    var accuracy: String

    @Option(help: "Latency look-up table: OFA's per-resolution directory or an nsganetv2 yaml file.")
    var latency: String?

    @Flag(help: "Budget in MACs instead of latency.")
    var macs = false

    @Option(name: [.customLong("target"), .customLong("targets")],
            help: "Comma-separated budgets, in ms (or MACs with --macs); one result per budget.")
    var target: String

    @Option(help: "Strategy: \(SearchStrategies.names.joined(separator: ", ")) (--multi needs evolutionary).")
    var strategy = "evolutionary"

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Population size: evolutionary search and --multi's full searches; --multi nsga2's population; random search's default samples (at most \(SearchSettings.maxPopulation)).")
    var population = 100

    @Option(help: "Generations: evolutionary search and the first (full) search of --multi sweeps (warm stages: --warm-generations); --multi nsga2's generations, P × (G + 1) evaluations in all, 50,100 with the defaults (at most \(SearchSettings.maxGenerations)). Ignored by exhaustive search.")
    var generations = 500

    @Option(help: "Share of the population kept as parents (evolutionary; not NSGA-II, whose parents are the targets' answers and tournament winners: --nsga2-parents).")
    var parentRatio = 0.25

    @Option(help: "Share of children made by mutation, the rest by crossover (evolutionary, memetic and NSGA-II; NSGA-II's parents: --nsga2-parents).")
    var mutationRatio = 0.5

    @Option(help: "Probability of resampling each choice in a mutation (evolutionary and NSGA-II).")
    var mutateProb = 0.1

    @Option(help: "Samples (random search only; default population × (generations + 1); at most \(SearchSettings.maxSamples)).")
    var samples: Int?

    @Option(help: "Surrogate search: truth evaluations (distinct accuracy predictions) for all targets together (at most \(SurrogateSearch.maxEvaluations)).")
    var budget: Int?

    @Option(help: "Surrogate search: truth evaluations of the initial design (default: a quarter of --budget, at most 25 per target).")
    var initial: Int?

    @Option(help: "Surrogate search: truth evaluations per round, shared by the targets (default: a twentieth of --budget, 1 to 4 per target).")
    var batch: Int?

    @Option(help: "Surrogate search: generations of each inner search on the surrogate.")
    var innerGenerations = SurrogateSearch.Defaults.innerGenerations

    @Option(help: "Surrogate search: inner searches per target and round (1: from the best evaluated; 2: also from the ten best; more: also from random samples).")
    var innerStarts = SurrogateSearch.Defaults.innerStarts

    @Option(help: "Surrogate search: generations without a better best that end an inner search early (default \(SurrogateSearch.Defaults.innerStall)).")
    var innerStall: Int?

    @Option(help: "Surrogate search: measurements already known (JSON Lines with top1 in %, or OFA's .dict layout), fitted from the start and never evaluated again.")
    var warmStart: String?

    @Option(help: "Memetic search: evaluations kept for the climbs from the restarts' answers (one- and two-choice moves), out of its budget of --population × (--generations + 1), 50,100 with the defaults, like evolutionary search's (default \(MemeticSearch.Defaults.climbEvaluations); at most \(MemeticSearch.maxClimbEvaluations)).")
    var climbEvaluations: Int?

    @Option(help: "Memetic search: generations without a better best that end a restart of the evolutionary search (default \(MemeticSearch.Defaults.stall)).")
    var restartStall: Int?

    @Option(help: "Draws per candidate before an over-budget one is repaired (evolutionary, random, NSGA-II).")
    var maxTries = 100_000

    @Option(help: "Threads for predictor batches (results do not depend on it).")
    var threads = 1

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Include the best-so-far history in the JSON.")
    var history = false

    @Flag(help: "Add the front result to the JSON: the Pareto front of everything evaluated, once, with its hypervolume, and each result's front_index (--multi nsga2 always has it; docs/front.md).")
    var front = false

    @Option(help: "Write the front result as CSV (one line per front point, cheapest first).")
    var frontCsv: String?

    @Option(help: "Write an SVG plot of the front result (the front, each target's answer, the targets).")
    var plot: String?

    @Option(help: "Hypervolume window LO,HI in the budget's unit (default: the smallest and the largest target; one target: up to it).")
    var hvWindow: String?

    @Option(help: "Hypervolume: accuracy (top-1 as a fraction) below which nothing counts.")
    var hvMinAccuracy = FrontResult.defaultMinAccuracy

    @OptionGroup var multiTarget: MultiTargetOptions

    func validate() throws {
        guard (latency != nil) != macs else { throw ValidationError("give exactly one of --latency TABLE and --macs") }
        if warmStart != nil, strategy != "surrogate" { throw ValidationError("--warm-start is for --strategy surrogate") }
        if strategy != "memetic", let option = [("--climb-evaluations", climbEvaluations), ("--restart-stall", restartStall)].first(where: { $0.1 != nil })?.0 {
            throw ValidationError("\(option) is for --strategy memetic")
        }
        if innerStall != nil, strategy != "surrogate" { throw ValidationError("--inner-stall is for --strategy surrogate") }
        if budget != nil, strategy != "surrogate" { throw ValidationError("--budget is for --strategy surrogate (truth evaluations); other strategies take --generations or --samples") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        // The bounds live in SearchSettings (one place); refused here before anything is loaded.
        let bounds: [(String, Int?, ClosedRange<Int>)] = [
            ("--population", population, 1...SearchSettings.maxPopulation),
            ("--generations", generations, 0...SearchSettings.maxGenerations),
            ("--samples", samples, 1...SearchSettings.maxSamples),
            ("--warm-generations", multiTarget.warmGenerations, 0...SearchSettings.maxGenerations),
            ("--first-stall", multiTarget.firstStall, 0...SearchSettings.maxGenerations),
            ("--warm-stall", multiTarget.warmStall, 0...SearchSettings.maxGenerations),
            ("--max-tries", maxTries, 1...SearchSettings.maxSamples),
            ("--budget", budget, 1...SurrogateSearch.maxEvaluations),
            ("--initial", initial, 1...SurrogateSearch.maxEvaluations),
            ("--batch", batch, 1...SurrogateSearch.maxEvaluations),
            ("--inner-generations", innerGenerations, 0...SearchSettings.maxGenerations),
            ("--inner-starts", innerStarts, 1...SurrogateSearch.maxStarts),
            ("--climb-evaluations", climbEvaluations, 0...MemeticSearch.maxClimbEvaluations),
            ("--restart-stall", restartStall, 1...SearchSettings.maxGenerations),
            ("--inner-stall", innerStall, 1...SearchSettings.maxGenerations),
        ]
        for (name, value, range) in bounds {
            guard let value, !range.contains(value) else { continue }
            throw ValidationError("\(name) must be \(value < range.lowerBound ? "at least \(range.lowerBound)" : "at most \(range.upperBound)"), got \(value)")
        }
        guard (0...1).contains(hvMinAccuracy) else { throw ValidationError("--hv-min-accuracy must be in [0, 1] (top-1 as a fraction), got \(hvMinAccuracy)") }
        _ = try budgets()
        _ = try hypervolumeWindow()
        // Outputs are checked before any search runs.
        for (option, path) in [("--front-csv", frontCsv), ("--plot", plot)] {
            guard let path else { continue }
            var isDirectory: ObjCBool = false
            let folder = (path as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("\(option) \(path): is a folder; give a file name")
            }
            if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
                throw ValidationError("\(option) \(path): the folder \(folder) does not exist")
            }
        }
    }

    func budgets() throws -> [Double] { try Self.numbers(target, option: "--target") }

    /// A comma-separated list of positive numbers, each as a manifest writes a budget (``BudgetText``:
    /// `300M` for MACs); an empty item (`15,,20`, a trailing comma) is refused by name rather than
    /// read as a missing number.
    static func numbers(_ text: String, option: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.enumerated().map { i, part in
            let item = part.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else {
                throw ValidationError("\(option): item \(i + 1) of '\(text)' is empty; give numbers separated by single commas")
            }
            guard let x = BudgetText.value(item) else {
                throw ValidationError("\(option): '\(item)' is not a positive number (e.g. 25, or 300M for MACs)")
            }
            return x
        }
    }

    /// `--hv-window LO,HI` (nil: the default window of the targets).
    func hypervolumeWindow() throws -> (low: Double, high: Double)? {
        guard let hvWindow else { return nil }
        let xs = try Self.numbers(hvWindow, option: "--hv-window")
        guard xs.count == 2, xs[0] < xs[1] else { throw ValidationError("--hv-window: give LO,HI with LO < HI, got '\(hvWindow)'") }
        return (xs[0], xs[1])
    }

    /// The hypervolume reference of the front result.
    func hypervolumeReference(targets: [Double]) throws -> Hypervolume.Reference {
        if let w = try hypervolumeWindow() { return Hypervolume.Reference(maxCost: w.high, minAccuracy: hvMinAccuracy, minCost: w.low) }
        return FrontResult.reference(targets: targets, minAccuracy: hvMinAccuracy)
    }

    /// Writes `--front-csv` and `--plot` when given.
    func writeFrontFiles(_ f: FrontResult) throws {
        if let frontCsv {
            do { try f.csv.write(toFile: frontCsv, atomically: true, encoding: .utf8) } catch { throw SearchInputError("--front-csv \(frontCsv): cannot write (\(FileSystem.reason(of: error)))") }
        }
        if let plot {
            do { try f.svg().write(toFile: plot, atomically: true, encoding: .utf8) } catch { throw SearchInputError("--plot \(plot): cannot write (\(FileSystem.reason(of: error)))") }
        }
    }

    /// A result's cost for the text output; a search that answered the budgets together (its
    /// counts are on the first result) says what it spent for all of them.
    static func costText(_ r: SearchResult, first: SearchResult) -> String {
        if let sweep = r.sweep {
            return String(format: "evaluations %d (unique %d) for all %d targets  %.3f s", sweep.evaluations,
                          first.counts.uniqueArchitectures, sweep.budgets, sweep.seconds)
        }
        return String(format: "evaluations %d (unique %d, cache hits %.1f%%)  %.3f s", r.evaluations, r.counts.uniqueArchitectures,
                      r.counts.cacheHitRate * 100, r.seconds)
    }

    /// One line about the front result for the text output.
    static func frontLine(_ f: FrontResult) -> String {
        String(format: "front: %d points, hypervolume %.4f (%@ × accuracy above %.2f, %@)", f.points.count, f.hypervolume,
               f.metric.unit, f.reference.minAccuracy, f.windowDescription)
    }

    func run() throws {
        do {
            try execute()
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The strategy settings these options give (also those of a `--multi` sweep's strategies).
    var searchSettings: SearchSettings {
        var settings = SearchSettings(population: population, generations: generations, parentRatio: parentRatio,
                                      mutationRatio: mutationRatio, mutationProbability: mutateProb, samples: samples,
                                      maxTries: maxTries)
        settings.enumerationLimit = 5_000_000
        settings.evaluations = budget
        if let climbEvaluations { settings.climbEvaluations = climbEvaluations }
        if let restartStall { settings.restartStall = restartStall }
        settings.surrogate = SurrogateSettings(initial: initial, batch: batch, innerGenerations: innerGenerations, innerStarts: innerStarts,
                                                innerStall: innerStall ?? SurrogateSearch.Defaults.innerStall)
        return settings
    }

    private func execute() throws {
        let space = try self.space.resolve()
        var strategy = try SearchStrategies.make(self.strategy, settings: searchSettings)
        let accuracy = try PredictorLoader.accuracy(path: self.accuracy, space: space)
        let efficiency = try latency.map { try PredictorLoader.latency(path: $0, space: space) } ?? PredictorLoader.macs(space: space)
        let budgets = try self.budgets()
        if let warmStart, var surrogate = strategy as? SurrogateSearch {
            surrogate.warmStart = try WarmStartFile(spelled: warmStart, path: warmStart).load(space: space, efficiency: efficiency)
            strategy = surrogate
        }
        let problem = SearchProblem(space: space, accuracy: accuracy, efficiency: efficiency, budget: budgets[0], threads: threads)
        // Refuse an infeasible budget before any search runs.
        let range = try problem.feasibleRange()
        for b in budgets where b < range.minimum {
            throw SearchError.infeasibleBudget(budget: b, range: range, metric: efficiency.metric)
        }

        if let mode = multiTarget.multi { return try runMultiTarget(mode, problem: problem, strategy: strategy, budgets: budgets) }

        let start = ContinuousClock.now
        let showProgress = isatty(2) != 0 && budgets.count > 1 && !strategy.answersBudgetsTogether
        var results: [SearchResult] = []
        if strategy.answersBudgetsTogether {
            results = try strategy.search(problem, budgets: budgets, seed: seed)
        } else {
            for (i, b) in budgets.enumerated() {
                let r = try strategy.search(problem.fresh(budget: b), seed: seed)
                if showProgress {
                    FileHandle.standardError.write(Data("[\(i + 1)/\(budgets.count)] target \(b): accuracy \(r.best.accuracy) in \(String(format: "%.3f", r.seconds)) s\n".utf8))
                }
                results.append(r)
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        let frontResult = FrontResult(points: results.flatMap(\.front), answers: results.map { (target: $0.budget, answer: $0.best) },
                                      metric: efficiency.metric, reference: try hypervolumeReference(targets: budgets))
        try writeFrontFiles(frontResult)
        if json {
            var resultsJSON = results.map { $0.json(history: history, front: false) }
            var frontFields: [(String, JSONValue)] = []
            if front {
                resultsJSON = zip(resultsJSON, frontResult.frontIndex).map { r, i in
                    guard case var .object(fields) = r else { return r }
                    fields.append(("front_index", i.map { .int($0) } ?? .null))
                    return .object(fields)
                }
                frontFields = [("front", frontResult.json)]
            }
            let surrogateFields: [(String, JSONValue)] = results.first?.surrogate.map { [("surrogate", $0.json)] } ?? []
            let out = JSONValue.object([
                ("space", .string(space.description)),
                ("strategy", .string(strategy.name)),
                ("accuracy_predictor", .string(accuracy.name)),
                ("efficiency_predictor", .string(efficiency.name)),
                ("metric", .string(efficiency.metric.rawValue)),
                ("seed", .int(Int(truncatingIfNeeded: seed))),
                ("results", .array(resultsJSON)),
            ] + frontFields + surrogateFields + [
                ("evaluations", .int(results.reduce(0) { $0 + $1.evaluations })),
                ("seconds", .double(seconds)),
            ])
            print(out.rendered(indent: 2))
        } else {
            let unit = efficiency.metric.unit
            print("\(strategy.name) search in \(space) (\(accuracy.name), \(efficiency.name)), seed \(seed)")
            for r in results {
                print(String(format: "target %@ %@: accuracy %.5f at %.4f %@  ", SearchError.format(r.budget), unit,
                             r.best.accuracy, r.best.efficiency, unit) + Self.costText(r, first: results[0]))
                print("  \(r.best.arch)")
            }
            if front { print(Self.frontLine(frontResult)) }
        }
    }
}

/// A one-line error for `search` about its inputs.
struct SearchInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
