import ArgumentParser
import Foundation
import OFASearch

/// `ofasearch search` options for multi-target sweeps (issue 5): `--multi`, `--variant`,
/// `--warm-generations`, and the improved variant's `--first-stall`, `--warm-stall`,
/// `--warm-parent-ratio`. Without `--multi` the search command runs as before.
struct MultiTargetOptions: ParsableArguments {
    @Option(help: "Multi-target sweep: \(MultiTargetSweep.Mode.allCases.map(\.rawValue).joined(separator: ", ")) (default: one independent search per target, as without this option).")
    var multi: String?

    @Option(help: "Sweep variant: paper (the paper's code, quirks included) or improved.")
    var variant = "improved"

    @Option(help: "Generations of each warm-started target (bottom-up, top-down).")
    var warmGenerations = 100

    @Option(help: "End a warm sweep's first, full search after this many generations without a better best; 0: never (default: 100 for improved, 0 for paper).")
    var firstStall: Int?

    @Option(help: "End a warm stage after this many generations without a better best; 0: never (default: 70 for improved, 0 for paper).")
    var warmStall: Int?

    @Option(help: "Share of the population kept as parents in warm stages (default: 0.5 for improved, --parent-ratio for paper).")
    var warmParentRatio: Double?

    func validate() throws {
        if let multi, MultiTargetSweep.Mode(rawValue: multi) == nil {
            throw ValidationError("--multi: unknown mode '\(multi)'; expected one of \(MultiTargetSweep.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard MultiTargetSweep.Variant(rawValue: variant) != nil else {
            throw ValidationError("--variant: unknown variant '\(variant)'; expected paper or improved")
        }
        guard warmGenerations >= 0 else { throw ValidationError("--warm-generations must be at least 0") }
        if let firstStall, firstStall < 0 { throw ValidationError("--first-stall must be at least 0 (0: never)") }
        if let warmStall, warmStall < 0 { throw ValidationError("--warm-stall must be at least 0 (0: never)") }
        if let r = warmParentRatio, !(r > 0 && r <= 1) { throw ValidationError("--warm-parent-ratio must be in (0, 1], got \(r)") }
    }
}

extension SearchCommand {
    /// Runs `--multi` and prints its output: the single search's fields plus the sweep's.
    func runMultiTarget(_ mode: String, problem: SearchProblem, strategy: any SearchStrategy, budgets: [Double]) throws {
        guard let mode = MultiTargetSweep.Mode(rawValue: mode), let variant = MultiTargetSweep.Variant(rawValue: multiTarget.variant) else { return }
        guard let ea = strategy as? EvolutionarySearch else {
            throw ValidationError("--multi needs --strategy evolutionary (got \(strategy.name))")
        }
        var nsga2 = NSGA2Search(population: population, generations: generations, mutationRatio: mutationRatio, mutationProbability: mutateProb)
        nsga2.maxTries = maxTries
        var sweep = MultiTargetSweep(mode: mode, variant: variant, warmGenerations: multiTarget.warmGenerations, strategy: ea, nsga2: nsga2)
        if let s = multiTarget.firstStall { sweep.firstStall = s == 0 ? nil : s }
        if let s = multiTarget.warmStall { sweep.warmStall = s == 0 ? nil : s }
        if let r = multiTarget.warmParentRatio { sweep.warmParentRatio = r }
        if isatty(2) != 0 {
            sweep.progress = { done, total, r in
                FileHandle.standardError.write(Data("[\(done)/\(total)] target \(SearchError.format(r.budget)): accuracy \(r.best.accuracy) in \(String(format: "%.3f", r.seconds)) s\n".utf8))
            }
        }
        let out = try sweep.run(problem: problem, targets: budgets, seed: seed)
        let metric = problem.metric
        if json {
            guard case let .object(sweepFields) = out.json(history: history, front: front) else { return }
            var fields: [(String, JSONValue)] = [
                ("space", .string(problem.space.description)),
                ("strategy", .string(mode == .nsga2 ? "nsga2" : ea.name)),
                ("accuracy_predictor", .string(problem.accuracyPredictor.name)),
                ("efficiency_predictor", .string(problem.efficiencyPredictor.name)),
                ("metric", .string(metric.rawValue)),
            ]
            fields += sweepFields
            print(JSONValue.object(fields).rendered(indent: 2))
        } else {
            let unit = metric.unit
            print("\(mode.rawValue) sweep (\(variant.rawValue)) in \(problem.space) (\(problem.accuracyPredictor.name), \(problem.efficiencyPredictor.name)), seed \(seed)")
            for (i, r) in out.results.enumerated() {
                print(String(format: "target %@ %@: accuracy %.5f at %.4f %@  evaluations %d  %.3f s%@",
                             SearchError.format(r.budget), unit, r.best.accuracy, r.best.efficiency, unit, r.evaluations, r.seconds,
                             out.overwritten.count > i && out.overwritten[i] ? "  (arch overwritten by a later pruning)" : ""))
                print("  \(r.best.arch)")
            }
            print(String(format: "total: evaluations %d (predictor calls %d), %.3f s", out.evaluations, out.counts.accuracyPredictions, out.seconds))
        }
    }
}
