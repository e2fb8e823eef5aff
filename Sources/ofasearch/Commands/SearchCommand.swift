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

    @Option(help: "Accuracy predictor: OFA's MLP json.")
    var accuracy: String

    @Option(help: "Latency look-up table: OFA's per-resolution directory or an nsganetv2 yaml file.")
    var latency: String?

    @Flag(help: "Budget in MACs instead of latency.")
    var macs = false

    @Option(name: [.customLong("target"), .customLong("targets")],
            help: "Comma-separated budgets, in ms (or MACs with --macs); one result per budget.")
    var target: String

    @Option(help: "Strategy: \(SearchStrategies.names.joined(separator: ", ")).")
    var strategy = "evolutionary"

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Population size (evolutionary).")
    var population = 100

    @Option(help: "Generations (evolutionary).")
    var generations = 500

    @Option(help: "Share of the population kept as parents.")
    var parentRatio = 0.25

    @Option(help: "Share of children made by mutation (the rest by crossover).")
    var mutationRatio = 0.5

    @Option(help: "Probability of resampling each choice in a mutation.")
    var mutateProb = 0.1

    @Option(help: "Samples (random search; default population × (generations + 1)).")
    var samples: Int?

    @Option(help: "Draws per candidate before an over-budget one is repaired.")
    var maxTries = 100_000

    @Option(help: "Threads for predictor batches (results do not depend on it).")
    var threads = 1

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Include the best-so-far history in the JSON.")
    var history = false

    @Flag(help: "Include the Pareto front of everything evaluated in the JSON.")
    var front = false

    @OptionGroup var multiTarget: MultiTargetOptions

    func validate() throws {
        guard (latency != nil) != macs else { throw ValidationError("give exactly one of --latency TABLE and --macs") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        _ = try budgets()
    }

    func budgets() throws -> [Double] {
        let parts = target.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let x = Double(text), x.isFinite, x > 0 else {
                throw ValidationError("--target: '\(text)' is not a positive number")
            }
            return x
        }
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

    private func execute() throws {
        let space = try self.space.resolve()
        var settings = SearchSettings(population: population, generations: generations, parentRatio: parentRatio,
                                      mutationRatio: mutationRatio, mutationProbability: mutateProb, samples: samples,
                                      maxTries: maxTries)
        settings.enumerationLimit = 5_000_000
        let strategy = try SearchStrategies.make(self.strategy, settings: settings)
        let accuracy = try PredictorLoader.accuracy(path: self.accuracy)
        let efficiency = try latency.map { try PredictorLoader.latency(path: $0, space: space) } ?? PredictorLoader.macs(space: space)
        let budgets = try self.budgets()
        let problem = SearchProblem(space: space, accuracy: accuracy, efficiency: efficiency, budget: budgets[0], threads: threads)
        // Refuse an infeasible budget before any search runs.
        let range = try problem.feasibleRange()
        for b in budgets where b < range.minimum {
            throw SearchError.infeasibleBudget(budget: b, range: range, metric: efficiency.metric)
        }

        if let mode = multiTarget.multi { return try runMultiTarget(mode, problem: problem, strategy: strategy, budgets: budgets) }

        let start = ContinuousClock.now
        let showProgress = isatty(2) != 0 && budgets.count > 1 && !(strategy is ExhaustiveSearch)
        var results: [SearchResult] = []
        if strategy is ExhaustiveSearch {
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

        if json {
            let out = JSONValue.object([
                ("space", .string(space.description)),
                ("strategy", .string(strategy.name)),
                ("accuracy_predictor", .string(accuracy.name)),
                ("efficiency_predictor", .string(efficiency.name)),
                ("metric", .string(efficiency.metric.rawValue)),
                ("seed", .int(Int(truncatingIfNeeded: seed))),
                ("results", .array(results.map { $0.json(history: history, front: front) })),
                ("evaluations", .int(results.reduce(0) { $0 + $1.evaluations })),
                ("seconds", .double(seconds)),
            ])
            print(out.rendered(indent: 2))
        } else {
            let unit = efficiency.metric.unit
            print("\(strategy.name) search in \(space) (\(accuracy.name), \(efficiency.name)), seed \(seed)")
            for r in results {
                print(String(format: "target %@ %@: accuracy %.5f at %.4f %@  evaluations %d (unique %d, cache hits %.1f%%)  %.3f s",
                             SearchError.format(r.budget), unit, r.best.accuracy, r.best.efficiency, unit,
                             r.evaluations, r.counts.uniqueArchitectures, r.counts.cacheHitRate * 100, r.seconds))
                print("  \(r.best.arch)")
            }
        }
    }
}
