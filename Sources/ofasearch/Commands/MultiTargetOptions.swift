import ArgumentParser
import Foundation
import OFASearch

/// `ofasearch search` options for multi-target sweeps (issue 5): `--multi`, `--variant`,
/// `--warm-generations`, and the improved variant's `--first-stall`, `--warm-stall`,
/// `--warm-parent-ratio`. Without `--multi` the search command runs as before.
struct MultiTargetOptions: ParsableArguments {
    @Option(help: "Multi-target sweep: \(MultiTargetSweep.Mode.allCases.map(\.rawValue).joined(separator: ", ")) (default: one independent search per target, as without this option). nsga2: one NSGA-II run under the largest target, --population P and --generations G (P × (G + 1) evaluations), each target answered from its front.")
    var multi: String?

    @Option(help: "Sweep variant for bottom-up and top-down: paper (the paper's code, quirks included) or improved (not used by independent and nsga2).")
    var variant = "improved"

    @Option(help: "Generations of each warm-started target (bottom-up, top-down only).")
    var warmGenerations = 100

    @Option(help: "End a warm sweep's first, full search after this many generations without a better best; 0: never (default: 100 for improved, 0 for paper).")
    var firstStall: Int?

    @Option(help: "End a warm stage after this many generations without a better best; 0: never (default: 70 for improved, 0 for paper).")
    var warmStall: Int?

    @Option(help: "Share of the population kept as parents in warm stages (default: 0.5 for improved, --parent-ratio for paper).")
    var warmParentRatio: Double?

    @Option(help: "NSGA-II's first population: stratified (the cheapest subnet, half of the others spread evenly over the costs from the smallest to the largest target, half random samples that fit; the default) or random (the cheapest and P − 1 random samples, as before issue 16). --multi nsga2 only.")
    var nsga2Init: String?

    @Option(help: "NSGA-II children already evaluated in the run: drop (breed again, so every evaluation is a new subnet) (the default) or keep (as before issue 16). --multi nsga2 only.")
    var nsga2Duplicates: String?

    @Option(help: "NSGA-II cost floor: smallest-target (costs below the smallest target rank as equal to it; the default) or none (as before issue 16). --multi nsga2 only.")
    var nsga2Floor: String?

    @Option(help: "NSGA-II's parents: answers (60% of the mutation children are mutants of the targets' current answers, in turn, each within its target; 30% of the crossover children cross two adjacent targets' answers, within the larger target; the other children come from tournament winners; the default) or tournament (every parent a tournament winner, as before issue 16's second round). --multi nsga2 only.")
    var nsga2Parents: String?

    func validate() throws {
        if let multi, MultiTargetSweep.Mode(rawValue: multi) == nil {
            throw ValidationError("--multi: unknown mode '\(multi)'; expected one of \(MultiTargetSweep.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (option, value, expected) in [("--nsga2-init", nsga2Init, ["stratified", "random"]), ("--nsga2-duplicates", nsga2Duplicates, ["drop", "keep"]),
                                           ("--nsga2-floor", nsga2Floor, ["smallest-target", "none"]), ("--nsga2-parents", nsga2Parents, ["answers", "tournament"])] {
            guard let value else { continue }
            guard expected.contains(value) else { throw ValidationError("\(option): unknown '\(value)'; expected \(expected.joined(separator: " or "))") }
            guard multi == MultiTargetSweep.Mode.nsga2.rawValue else { throw ValidationError("\(option) applies to --multi nsga2 only") }
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

extension MultiTargetOptions {
    /// The sweep settings these options give; `maxTries` is the search's --max-tries.
    func settings(maxTries: Int) -> SweepSettings {
        var s = SweepSettings()
        s.warmGenerations = warmGenerations
        s.firstStall = firstStall
        s.warmStall = warmStall
        s.warmParentRatio = warmParentRatio
        s.maxTries = maxTries
        if let i = nsga2Init.flatMap(NSGA2Search.Initialization.init(rawValue:)) { s.nsga2Initialization = i }
        if let d = nsga2Duplicates { s.nsga2EliminateDuplicates = d == "drop" }
        if let f = nsga2Floor { s.nsga2FloorAtSmallestTarget = f == "smallest-target" }
        if let p = nsga2Parents.flatMap(NSGA2Search.Parents.init(rawValue:)) { s.nsga2Parents = p }
        return s
    }
}

extension SearchCommand {
    /// Runs `--multi` and prints its output: the single search's fields plus the sweep's.
    func runMultiTarget(_ mode: String, problem: SearchProblem, strategy: any SearchStrategy, budgets: [Double]) throws {
        guard let mode = MultiTargetSweep.Mode(rawValue: mode), let variant = MultiTargetSweep.Variant(rawValue: multiTarget.variant) else { return }
        guard strategy is EvolutionarySearch else {
            throw ValidationError("--multi needs --strategy evolutionary (got \(strategy.name))")
        }
        var sweep = try multiTarget.settings(maxTries: maxTries).sweep(mode: mode, variant: variant, search: searchSettings)
        if isatty(2) != 0 {
            sweep.progress = { done, total, r in
                FileHandle.standardError.write(Data("[\(done)/\(total)] target \(SearchError.format(r.budget)): accuracy \(r.best.accuracy) in \(String(format: "%.3f", r.seconds)) s\n".utf8))
            }
        }
        let out = try sweep.run(problem: problem, targets: budgets, seed: seed)
        let metric = problem.metric
        let reference = try hypervolumeReference(targets: budgets)
        let frontResult = out.front(reference: reference)
        try writeFrontFiles(frontResult)
        if json {
            guard case let .object(sweepFields) = out.json(history: history, front: front, reference: reference) else { return }
            var fields: [(String, JSONValue)] = [
                ("space", .string(problem.space.description)),
                ("strategy", .string(mode == .nsga2 ? "nsga2" : strategy.name)),
                ("accuracy_predictor", .string(problem.accuracyPredictor.name)),
                ("efficiency_predictor", .string(problem.efficiencyPredictor.name)),
                ("metric", .string(metric.rawValue)),
            ]
            fields += sweepFields
            print(JSONValue.object(fields).rendered(indent: 2))
        } else {
            let unit = metric.unit
            print(mode == .nsga2 ? "nsga2 (population \(population), \(out.nsga2?.generations ?? 0) generations) in \(problem.space) (\(problem.accuracyPredictor.name), \(problem.efficiencyPredictor.name)), seed \(seed)"
                                 : "\(mode.rawValue) sweep (\(variant.rawValue)) in \(problem.space) (\(problem.accuracyPredictor.name), \(problem.efficiencyPredictor.name)), seed \(seed)")
            for (i, r) in out.results.enumerated() {
                if mode == .nsga2 {
                    print(String(format: "target %@ %@: accuracy %.5f at %.4f %@  (front point %d)", SearchError.format(r.budget), unit,
                                 r.best.accuracy, r.best.efficiency, unit, frontResult.frontIndex[i] ?? -1))
                } else {
                    print(String(format: "target %@ %@: accuracy %.5f at %.4f %@  evaluations %d  %.3f s%@",
                                 SearchError.format(r.budget), unit, r.best.accuracy, r.best.efficiency, unit, r.evaluations, r.seconds,
                                 out.overwritten.count > i && out.overwritten[i] ? "  (arch overwritten by a later pruning)" : ""))
                }
                print("  \(r.best.arch)")
            }
            if mode == .nsga2 || front { print(Self.frontLine(frontResult)) }
            print(String(format: "total: evaluations %d (predictor calls %d), %.3f s", out.evaluations, out.counts.accuracyPredictions, out.seconds))
        }
    }
}
