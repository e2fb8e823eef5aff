import Foundation
import Yams
import OFACore
import OFAStrategies

/// Reads and validates an experiment manifest. Every problem — YAML syntax, unknown keys (with
/// the closest known key), wrong types, missing files, infeasible targets — is collected and
/// thrown together as a ``ManifestError`` whose issues read `FILE:LINE: message`, before anything
/// runs.
///
/// Targets are checked against the smallest cost each space can reach only when a
/// ``PredictorProvider`` is given (it loads the efficiency predictors).
///
/// ```swift
/// do {
///     let manifest = try ManifestLoader(predictors: PredictorCatalog()).load(path: "experiments/quickstart.yaml")
/// } catch {
///     print(error)   // experiments/quickstart.yaml:7: strategies.evolutionary: unknown key 'populaton'; did you mean 'population'?
/// }
/// ```
public struct ManifestLoader: Sendable {
    public var predictors: (any PredictorProvider)?
    /// Overrides where paths resolve (tests); nil derives it from the manifest's location.
    public var paths: ManifestPaths?

    public init(predictors: (any PredictorProvider)? = nil, paths: ManifestPaths? = nil) {
        self.predictors = predictors
        self.paths = paths
    }

    static let topKeys = ["name", "description", "jobs", "parts"] + partKeys.filter { $0 != "name" }
    static let partKeys = ["name", "notes", "spaces", "accuracy", "efficiency", "strategies", "targets", "multi", "seeds", "repeats", "baseline"]
    static let spaceKeys = ["name", "resolutions", "strategies", "accuracy", "efficiency", "projection"]
    static let multiKeys = ["mode", "modes", "variant", "variants", "warm_generations", "target_counts", "first_stall", "warm_stall",
                            "warm_parent_ratio", "max_tries"]

    /// Loads the manifest at `path`.
    public func load(path: String) throws(ManifestError) -> ExperimentManifest {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ManifestError(issues: [ManifestIssue(file: path, line: 0, message: "is a directory; expected a YAML manifest file")])
        }
        let text: String
        do { text = try InputFile.readText(path) } catch {
            throw ManifestError(issues: [ManifestIssue(file: path, line: 0, message: "cannot read the manifest: \(error.reason)")])
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(yaml: text, source: path, directory: dir)
    }

    /// Loads a manifest from text; `source` names it in issues, `directory` anchors relative paths.
    public func load(yaml: String, source: String, directory: String) throws(ManifestError) -> ExperimentManifest {
        let reader = ManifestReader(source: source, paths: paths ?? ManifestPaths(manifestDirectory: directory))
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ManifestError(issues: [ManifestIssue(file: source, line: 0, message: "the manifest is empty")])
            }
            root = node
        } catch let error as ManifestError {
            throw error
        } catch let error as YamlError {
            throw ManifestError(issues: [Self.issue(for: error, source: source)])
        } catch {
            throw ManifestError(issues: [ManifestIssue(file: source, line: 0, message: "not valid YAML: \(error)")])
        }
        let manifest = readManifest(root, reader: reader, source: source)
        if reader.issues.isEmpty, let manifest, let predictors {
            checkTargets(manifest, root: root, reader: reader, predictors: predictors)
        }
        guard reader.issues.isEmpty, let manifest else {
            // In file order, each once (a top-level field shared by several parts is read by each).
            var seen = Set<ManifestIssue>()
            let unique = reader.issues.filter { seen.insert($0).inserted }
            throw ManifestError(issues: unique.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element))
        }
        return manifest
    }

    private static func issue(for error: YamlError, source: String) -> ManifestIssue {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let why = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ManifestIssue(file: source, line: mark.line, message: "not valid YAML: \(why)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ManifestIssue(file: source, line: context.mark.line, message: "repeated key(s) \(duplicates.joined(separator: ", "))")
        default:
            return ManifestIssue(file: source, line: 0, message: "not valid YAML: \(error)")
        }
    }

    // MARK: Structure

    private func readManifest(_ root: Node, reader: ManifestReader, source: String) -> ExperimentManifest? {
        guard let top = reader.fields(root, allowed: Self.topKeys, what: "manifest") else { return nil }
        var name = ""
        if let n = top["name"] { name = reader.name(n, "name") ?? "" } else { reader.issue(root, "the manifest needs a 'name'") }
        let description = top["description"].flatMap { reader.string($0, "description") }
        let jobs = top["jobs"].flatMap { reader.int($0, "jobs", atLeast: 1, atMost: Self.maxJobs) }

        var parts: [ExperimentPart] = []
        if let partsNode = top["parts"] {
            guard case let .sequence(seq) = partsNode, !seq.isEmpty else {
                reader.issue(partsNode, "parts must be a non-empty list of mappings")
                return nil
            }
            var partFields: [ManifestReader.Fields] = []
            for (i, partNode) in seq.enumerated() {
                guard let f = reader.fields(partNode, allowed: Self.partKeys, what: "parts[\(i)]") else { continue }
                partFields.append(f)
                let partName = f["name"].flatMap { reader.name($0, "parts[\(i)].name") } ?? "part\(i + 1)"
                if parts.contains(where: { $0.name == partName }) { reader.issue(f["name"] ?? partNode, "two parts are named '\(partName)'") }
                if let part = readPart(f, defaults: top, name: partName, what: "parts[\(i)] (\(partName))", reader: reader) {
                    parts.append(part)
                }
            }
            validateOverriddenDefaults(top, parts: partFields, reader: reader)
        } else if let part = readPart(top, defaults: nil, name: "main", what: "manifest", reader: reader) {
            parts.append(part)
        }
        checkPlanSize(parts, root: root, reader: reader)
        return ExperimentManifest(name: name, description: description, source: source, parts: parts, jobs: jobs)
    }

    /// Manifest `jobs` above this are refused (threads, not runs: more than any machine has cores).
    public static let maxJobs = 4096

    /// Top-level part fields that every part overrides are never read for a part; they are
    /// checked here all the same, so a mistake in them is reported rather than silently ignored.
    private func validateOverriddenDefaults(_ top: ManifestReader.Fields, parts: [ManifestReader.Fields], reader: ManifestReader) {
        guard !parts.isEmpty else { return }
        // Top-level notes are never read for a part: check them whenever parts are given.
        let unused = Self.partKeys.filter { key in key != "name" && top.has(key) && (key == "notes" || parts.allSatisfy { $0.has(key) }) }
        // The default strategies, when given, are what the default spaces' `strategies:` name.
        let strategies = unused.contains("spaces") || unused.contains("strategies") ? top["strategies"].map { readStrategies($0, reader: reader) } : nil
        for key in unused {
            guard let n = top[key] else { continue }
            switch key {
            case "notes": _ = reader.string(n, "notes")
            case "spaces": _ = readSpaces(n, strategies: strategies, reader: reader)
            case "accuracy":
                if let ref = reader.predictor(n, "accuracy"), ref.kind == .macs || ref.kind == .lut || ref.kind == .measured {
                    reader.issue(n, "accuracy: '\(ref.spelled)' is a \(ref.kind.rawValue) predictor, not an accuracy predictor")
                }
            case "efficiency":
                if let ref = reader.predictor(n, "efficiency"), ref.kind == .mlp {
                    reader.issue(n, "efficiency: '\(ref.spelled)' is an accuracy MLP, not an efficiency predictor")
                }
            case "strategies": break   // read above
            case "targets": _ = reader.list(n, "targets") { reader.budget($0, $1) }
            case "multi": _ = readMulti(n, targetCount: 0, strategies: [], reader: reader)
            case "seeds": _ = reader.seeds(n, "seeds")
            case "repeats": _ = reader.int(n, "repeats", atLeast: 1, atMost: StrategySpec.Bounds.repeats)
            case "baseline":
                if let f = reader.fields(n, allowed: ["space", "strategy"], what: "baseline") {
                    _ = f["space"].flatMap { reader.string($0, "baseline.space") }
                    _ = f["strategy"].flatMap { reader.string($0, "baseline.strategy") }
                }
            default: break
            }
        }
    }

    /// Refuses plans past ``RunPlan/maxRuns`` runs — counted, not expanded, so `repeats: 1000000`
    /// is refused at once — and run ids too long for file names (at the part's name).
    private func checkPlanSize(_ parts: [ExperimentPart], root: Node, reader: ManifestReader) {
        guard reader.issues.isEmpty else { return }
        let partNodes: [Node] = { if case let .mapping(m) = root, case let .sequence(s)? = m["parts"] { Array(s) } else { [root] } }()
        var total = 0
        var overflow = false
        for (i, part) in parts.enumerated() {
            let node = i < partNodes.count ? partNodes[i] : root
            func field(_ key: String) -> Node? {
                if case let .mapping(m) = node, let n = m[key] { return n }
                if case let .mapping(m) = root { return m[key] }
                return nil
            }
            guard let count = RunPlan.count(part: part) else { overflow = true; break }
            let (sum, o) = total.addingReportingOverflow(count)
            if o { overflow = true; break }
            total = sum
            if count > RunPlan.maxRuns {
                reader.issue(field("repeats") ?? field("seeds") ?? node,
                             "part '\(part.name)' expands into \(count.formatted) runs; a plan may hold at most \(RunPlan.maxRuns.formatted) (fewer seeds, repeats or targets)")
                return
            }
            let longest = RunPlan.longestID(part: part)
            if longest.utf8.count > SafeName.maxRunIDBytes {
                reader.issue(field("name") ?? node,
                             "part '\(part.name)': run ids reach \(longest.utf8.count) bytes (e.g. '\(longest.prefix(60))...'); at most \(SafeName.maxRunIDBytes), so run files stay within the 255-byte file-name limit: shorten the part name or the strategy labels")
            }
        }
        if overflow || total > RunPlan.maxRuns {
            reader.issue(root, "the manifest expands into \(overflow ? "more than \(Int.max.formatted)" : total.formatted) runs; a plan may hold at most \(RunPlan.maxRuns.formatted) (fewer seeds, repeats or targets)")
        }
    }

    private func readPart(_ own: ManifestReader.Fields, defaults: ManifestReader.Fields?, name: String, what: String,
                          reader: ManifestReader) -> ExperimentPart? {
        func node(_ key: String) -> Node? { own[key] ?? defaults?[key] }
        func required(_ key: String) -> Node? {
            if let n = node(key) { return n }
            reader.issue(own.node, "\(what) has no '\(key)' (set it in the part or at the top level)")
            return nil
        }
        let issuesBefore = reader.issues.count
        // A part's notes are its own (top-level notes are not shown under every part).
        let notes = own["notes"].flatMap { reader.string($0, "notes") }

        var strategies: [StrategySpec] = []
        if let sNode = required("strategies") { strategies = readStrategies(sNode, reader: reader) }

        var spaces: [SpaceEntry] = []
        let spacesNode = required("spaces")
        if let spacesNode { spaces = readSpaces(spacesNode, strategies: strategies, reader: reader) }

        // The part's predictors may be left out when every space names its own.
        func predictor(_ key: String, ownedBySpaces: Bool) -> PredictorReference? {
            if node(key) == nil && ownedBySpaces { return nil }
            return required(key).flatMap { reader.predictor($0, key) }
        }
        let spacesOwnAccuracy = !spaces.isEmpty && spaces.allSatisfy { $0.accuracy != nil }
        let spacesOwnEfficiency = !spaces.isEmpty && spaces.allSatisfy { $0.efficiency != nil }
        let accuracy = predictor("accuracy", ownedBySpaces: spacesOwnAccuracy) ?? spaces.first?.accuracy
        let efficiency = predictor("efficiency", ownedBySpaces: spacesOwnEfficiency) ?? spaces.first?.efficiency
        // The part's own predictor at its line (when written), each space's at the spaces.
        for (ref, where_) in [(node("accuracy") == nil ? nil : accuracy, node("accuracy"))] + spaces.map({ ($0.accuracy, spacesNode) }) {
            if let ref, ref.kind == .macs || ref.kind == .lut || ref.kind == .measured {
                reader.issue(where_, "accuracy: '\(ref.spelled)' is a \(ref.kind.rawValue) predictor, not an accuracy predictor")
            }
        }
        for (ref, where_) in [(node("efficiency") == nil ? nil : efficiency, node("efficiency"))] + spaces.map({ ($0.efficiency, spacesNode) }) {
            if let ref, ref.kind == .mlp {
                reader.issue(where_, "efficiency: '\(ref.spelled)' is an accuracy MLP, not an efficiency predictor")
            }
        }
        if let partMetric = efficiency?.metric {
            for space in spaces where (space.efficiency ?? efficiency)?.metric != partMetric {
                reader.issue(spacesNode, "space \(space.name) measures \((space.efficiency ?? efficiency)!.metric.rawValue) but the part's targets are in \(partMetric.unit); one part uses one metric")
            }
        }

        let targets = required("targets").flatMap { n in reader.list(n, "targets") { reader.budget($0, $1) } } ?? []
        // Surrogate search shares its budget among the part's targets: each needs one evaluation at least.
        if let n = node("targets") {
            for s in strategies where s.kind == .surrogate && s.budget < targets.count {
                reader.issue(n, "strategies.\(s.label): budget \(s.budget) is fewer truth evaluations than the part's \(targets.count) targets")
            }
        }
        checkWarmStarts(strategies, spaces: spaces, node: spacesNode, reader: reader)
        let seeds = node("seeds").map { reader.seeds($0, "seeds") ?? [] } ?? [0]
        let repeats = node("repeats").flatMap { reader.int($0, "repeats", atLeast: 1, atMost: StrategySpec.Bounds.repeats) } ?? 1
        let multi = node("multi").flatMap { readMulti($0, targetCount: targets.count, strategies: strategies, reader: reader) }

        var baseline: ExperimentPart.Baseline?
        if let b = node("baseline"), let f = reader.fields(b, allowed: ["space", "strategy"], what: "baseline") {
            let space = f["space"].flatMap { reader.string($0, "baseline.space") } ?? spaces.first?.name ?? ""
            let strategy = f["strategy"].flatMap { reader.string($0, "baseline.strategy") } ?? strategies.first?.label ?? ""
            if let entry = spaces.first(where: { $0.name == space }) {
                if entry.strategies.map({ !$0.contains(strategy) }) ?? !strategies.contains(where: { $0.label == strategy }) {
                    reader.issue(b, "baseline.strategy: '\(strategy)' does not run in \(space)")
                }
            } else if !spaces.isEmpty {
                reader.issue(b, "baseline.space: '\(space)' is not one of this part's spaces (\(spaces.map(\.name).joined(separator: ", ")))")
            }
            baseline = .init(space: space, strategy: strategy)
        }

        guard reader.issues.count == issuesBefore, let accuracy, let efficiency else { return nil }
        return ExperimentPart(name: name, notes: notes, spaces: spaces, accuracy: accuracy, efficiency: efficiency,
                              strategies: strategies, targets: targets, multi: multi, seeds: seeds, repeats: repeats,
                              baseline: baseline)
    }

    private func readStrategies(_ node: Node, reader: ManifestReader) -> [StrategySpec] {
        // A list of names is shorthand for default settings: [evolutionary, exhaustive].
        if case let .sequence(seq) = node {
            return seq.enumerated().compactMap { i, n in
                guard let label = reader.string(n, "strategies[\(i)]") else { return nil }
                guard let kind = StrategySpec.Kind(rawValue: label) else {
                    unknownStrategy(label, node: n, reader: reader)
                    return nil
                }
                return StrategySpec(label: label, kind: kind)
            }
        }
        guard let entries = reader.namedEntries(node, what: "strategies") else { return [] }
        if entries.isEmpty { reader.issue(node, "strategies must name at least one strategy") }
        var out: [StrategySpec] = []
        for (label, key, value) in entries {
            let what = "strategies.\(label)"
            if label.utf8.count > SafeName.maxNameBytes {
                reader.issue(key, "\(what.prefix(40))...: a strategy label is at most \(SafeName.maxNameBytes) bytes (it becomes part of file names), got \(label.utf8.count)")
                continue
            }
            var kind = StrategySpec.Kind(rawValue: label)
            var settings: ManifestReader.Fields?
            if value.null != nil || value.scalar?.string == "" {
                settings = nil
            } else {
                // The kind decides the keys; read it first.
                if case let .mapping(m) = value, let k = m["kind"] {
                    guard let name = reader.string(k, "\(what).kind") else { continue }
                    guard let parsed = StrategySpec.Kind(rawValue: name) else { unknownStrategy(name, node: k, reader: reader); continue }
                    kind = parsed
                }
                guard let kind else { unknownStrategy(label, node: key, reader: reader, hintKind: true); continue }
                settings = reader.fields(value, allowed: ["kind"] + StrategySpec.keys(for: kind), what: what)
                if settings == nil { continue }
            }
            guard let kind else { unknownStrategy(label, node: key, reader: reader, hintKind: true); continue }
            var spec = StrategySpec(label: label, kind: kind)
            if let s = settings {
                if let n = s["population"] { spec.population = reader.int(n, "\(what).population", atLeast: 2, atMost: StrategySpec.Bounds.population) ?? spec.population }
                if let n = s["generations"] { spec.generations = reader.int(n, "\(what).generations", atLeast: 1, atMost: StrategySpec.Bounds.generations) ?? spec.generations }
                if let n = s["parent_ratio"] { spec.parentRatio = reader.double(n, "\(what).parent_ratio", in: 0.01...1) ?? spec.parentRatio }
                if let n = s["mutation_ratio"] { spec.mutationRatio = reader.double(n, "\(what).mutation_ratio", in: 0...1) ?? spec.mutationRatio }
                if let n = s["mutation_probability"] { spec.mutationProbability = reader.double(n, "\(what).mutation_probability", in: 0...1) ?? spec.mutationProbability }
                if let n = s["samples"] { spec.samples = reader.int(n, "\(what).samples", atLeast: 1, atMost: StrategySpec.Bounds.samples) ?? spec.samples }
                if let n = s["memoize"] { spec.memoize = reader.bool(n, "\(what).memoize") ?? spec.memoize }
                if let n = s["budget"] { spec.budget = reader.int(n, "\(what).budget", atLeast: 1, atMost: SurrogateSearch.maxEvaluations) ?? spec.budget }
                if let n = s["initial"] { spec.initial = reader.int(n, "\(what).initial", atLeast: 1, atMost: SurrogateSearch.maxEvaluations) }
                if let n = s["batch"] { spec.batch = reader.int(n, "\(what).batch", atLeast: 1, atMost: SurrogateSearch.maxEvaluations) }
                if let n = s["inner_generations"] { spec.innerGenerations = reader.int(n, "\(what).inner_generations", atLeast: 0, atMost: StrategySpec.Bounds.generations) ?? spec.innerGenerations }
                if let n = s["inner_starts"] { spec.innerStarts = reader.int(n, "\(what).inner_starts", atLeast: 1, atMost: SurrogateSearch.maxStarts) ?? spec.innerStarts }
                if let n = s["inner_stall"] { spec.innerStall = reader.int(n, "\(what).inner_stall", atLeast: 1, atMost: StrategySpec.Bounds.generations) ?? spec.innerStall }
                if let n = s["warm_start"], let spelled = reader.string(n, "\(what).warm_start") {
                    switch reader.paths.resolve(spelled) {
                    case let .failure(problem): reader.issue(n, "\(what).warm_start: \(problem)")
                    case let .success(path):
                        do { spec.warmStart = try WarmStartFile(spelled: spelled, path: path, checking: nil) }
                        catch { reader.issue(n, "\(what).warm_start: \(error)") }
                    }
                }
                if let n = s["restart_stall"] { spec.restartStall = reader.int(n, "\(what).restart_stall", atLeast: 1, atMost: StrategySpec.Bounds.generations) ?? spec.restartStall }
                if let n = s["climb_evaluations"] { spec.climbEvaluations = reader.int(n, "\(what).climb_evaluations", atLeast: 0, atMost: MemeticSearch.maxClimbEvaluations) ?? spec.climbEvaluations }
                if let n = s["limit"] { spec.limit = reader.int(n, "\(what).limit", atLeast: 1, atMost: StrategySpec.Bounds.limit) ?? spec.limit }
            }
            do { _ = try spec.makeStrategy() } catch { reader.issue(key, "\(what): \(error)") }
            out.append(spec)
        }
        return out
    }

    /// A warm start must describe subnets of every space its strategy runs in.
    private func checkWarmStarts(_ strategies: [StrategySpec], spaces: [SpaceEntry], node: Node?, reader: ManifestReader) {
        for s in strategies {
            guard let file = s.warmStart else { continue }
            for entry in spaces where entry.strategies?.contains(s.label) ?? true {
                guard let space = try? entry.makeSpace() else { continue }
                do { _ = try WarmStartFile(spelled: file.spelled, path: file.path, checking: space) }
                catch { reader.issue(node, "strategies.\(s.label).warm_start for space \(entry.name): \(error)") }
            }
        }
    }

    private func unknownStrategy(_ name: String, node: Node, reader: ManifestReader, hintKind: Bool = false) {
        let kinds = StrategySpec.Kind.allCases.map(\.rawValue)
        let suggestion = name.closest(in: kinds).map { "; did you mean '\($0)'?" } ?? ""
        let extra = hintKind ? " (a strategy with another name needs 'kind: \(kinds.joined(separator: "|"))')" : ""
        reader.issue(node, "unknown strategy '\(name)'\(suggestion); known strategies: \(kinds.joined(separator: ", "))\(extra)")
    }

    /// `strategies`: the part's, which the spaces' `strategies:` must name; nil skips that check
    /// (top-level default spaces without default strategies).
    private func readSpaces(_ node: Node, strategies: [StrategySpec]?, reader: ManifestReader) -> [SpaceEntry] {
        guard let items = reader.list(node, "spaces", { n, w in Optional((n, w)) }) else { return [] }
        var out: [SpaceEntry] = []
        for (n, what) in items {
            var entry: SpaceEntry
            var nameNode = n
            if case .mapping = n {
                guard let f = reader.fields(n, allowed: Self.spaceKeys, what: what) else { continue }
                guard let nn = f["name"], let name = reader.string(nn, "\(what).name") else {
                    if f["name"] == nil { reader.issue(n, "\(what) needs a 'name'") }
                    continue
                }
                nameNode = nn
                entry = SpaceEntry(name: name)
                if let r = f["resolutions"] { entry.resolutions = reader.list(r, "\(what).resolutions") { reader.int($0, $1, atLeast: 1) } }
                if let s = f["strategies"] {
                    entry.strategies = reader.list(s, "\(what).strategies") { reader.string($0, $1) }
                    for label in entry.strategies ?? [] where strategies.map({ s in !s.contains(where: { $0.label == label }) }) ?? false {
                        let strategies = strategies ?? []
                        let labels = strategies.map(\.label)
                        reader.issue(s, "\(what).strategies: '\(label)' is not one of the part's strategies\(label.closest(in: labels).map { "; did you mean '\($0)'?" } ?? " (\(labels.joined(separator: ", ")))")")
                    }
                }
                if let a = f["accuracy"] { entry.accuracy = reader.predictor(a, "\(what).accuracy") }
                if let e = f["efficiency"] { entry.efficiency = reader.predictor(e, "\(what).efficiency") }
                if let pn = f["projection"], let pf = reader.fields(pn, allowed: ["proxy", "samples"], what: "\(what).projection") {
                    if let proxyNode = pf["proxy"] {
                        if let proxy = reader.predictor(proxyNode, "\(what).projection.proxy") {
                            if proxy.kind == .mlp || proxy.kind == .measured {
                                reader.issue(proxyNode, "\(what).projection.proxy: '\(proxy.spelled)' must be a fast efficiency predictor (a table, an XGBoost latency model or macs)")
                            }
                            entry.projection = .init(proxy: proxy, samples: pf["samples"].flatMap { reader.int($0, "\(what).projection.samples", atLeast: 1, atMost: StrategySpec.Bounds.projectionSamples) } ?? 20)
                        }
                    } else {
                        reader.issue(pn, "\(what).projection needs a 'proxy' efficiency predictor")
                    }
                }
            } else {
                guard let name = reader.string(n, what) else { continue }
                entry = SpaceEntry(name: name)
            }
            guard SpaceCatalog.names.contains(entry.name) else {
                reader.issue(nameNode, "\(what): unknown space '\(entry.name)'\(entry.name.closest(in: SpaceCatalog.names).map { "; did you mean '\($0)'?" } ?? ""); known spaces: \(SpaceCatalog.names.joined(separator: ", "))")
                continue
            }
            let space: any SearchSpace
            do { space = try entry.makeSpace() } catch {
                reader.issue(n, "\(what): \(error)")
                continue
            }
            if out.contains(where: { $0.name == entry.name }) {
                reader.issue(nameNode, "\(what): space '\(entry.name)' is listed twice in this part")
            }
            for strategy in strategies ?? [] where strategy.kind == .exhaustive && (entry.strategies?.contains(strategy.label) ?? true) {
                if space.size > UInt128(strategy.limit) {
                    reader.issue(n, "\(what): exhaustive search cannot enumerate \(space) (\(space.size) subnets, limit \(strategy.limit)); list the strategies that run here with 'strategies:'")
                }
            }
            out.append(entry)
        }
        return out
    }

    private func readMulti(_ node: Node, targetCount: Int, strategies: [StrategySpec], reader: ManifestReader) -> MultiTargetSpec? {
        guard let f = reader.fields(node, allowed: Self.multiKeys, what: "multi") else { return nil }
        var modes: [MultiTargetSpec.Mode] = []
        let modeNode = f["modes"] ?? f["mode"]
        if f["modes"] != nil && f["mode"] != nil { reader.issue(node, "multi: give either 'mode' or 'modes'") }
        if let modeNode {
            modes = reader.list(modeNode, "multi.modes") { n, w in
                guard let s = reader.string(n, w) else { return nil }
                guard let m = MultiTargetSpec.Mode(rawValue: s) else {
                    let names = MultiTargetSpec.Mode.allCases.map(\.rawValue)
                    reader.issue(n, "\(w): unknown mode '\(s)'\(s.closest(in: names).map { "; did you mean '\($0)'?" } ?? ""); known modes: \(names.joined(separator: ", "))")
                    return nil
                }
                return m
            } ?? []
        } else {
            reader.issue(node, "multi needs 'modes' (independent, bottom-up, top-down)")
        }
        var spec = MultiTargetSpec(modes: modes)
        if f["variant"] != nil && f["variants"] != nil { reader.issue(node, "multi: give either 'variant' or 'variants'") }
        if let v = f["variants"] ?? f["variant"] {
            spec.variants = reader.list(v, "multi.variants") { n, w in
                guard let s = reader.string(n, w) else { return nil }
                guard let variant = MultiTargetSpec.Variant(rawValue: s) else {
                    reader.issue(n, "\(w): unknown variant '\(s)'; known variants: paper, improved")
                    return nil
                }
                return variant
            } ?? spec.variants
        }
        if let w = f["warm_generations"] { spec.warmGenerations = reader.int(w, "multi.warm_generations", atLeast: 1, atMost: StrategySpec.Bounds.generations) ?? spec.warmGenerations }
        // The CLI's --first-stall, --warm-stall (0: never), --warm-parent-ratio, --max-tries.
        if let n = f["first_stall"] { spec.settings.firstStall = reader.int(n, "multi.first_stall", atLeast: 0, atMost: StrategySpec.Bounds.generations) }
        if let n = f["warm_stall"] { spec.settings.warmStall = reader.int(n, "multi.warm_stall", atLeast: 0, atMost: StrategySpec.Bounds.generations) }
        if let n = f["warm_parent_ratio"], let r = reader.double(n, "multi.warm_parent_ratio") {
            if r > 0 && r <= 1 { spec.settings.warmParentRatio = r } else { reader.issue(n, "multi.warm_parent_ratio must be in (0, 1], got \(r)") }
        }
        if let n = f["max_tries"] { spec.settings.maxTries = reader.int(n, "multi.max_tries", atLeast: 1, atMost: SearchSettings.maxSamples) }
        if let c = f["target_counts"] {
            spec.targetCounts = reader.list(c, "multi.target_counts") { n, w in
                guard let k = reader.int(n, w, atLeast: 1) else { return nil }
                if targetCount > 0, k > targetCount {
                    reader.issue(n, "\(w): \(k) targets asked for but the part lists \(targetCount)")
                    return nil
                }
                return k
            }
        }
        for s in strategies where s.kind != .evolutionary {
            reader.issue(node, "multi-target sweeps warm-start evolutionary search; strategy '\(s.label)' is \(s.kind.rawValue) (move it to a part without 'multi')")
        }
        return spec
    }

    // MARK: Feasibility

    /// Reports every target below the smallest cost a space can reach, at the target's line, and
    /// predictors that fail to load, at theirs.
    private func checkTargets(_ manifest: ExperimentManifest, root: Node, reader: ManifestReader,
                              predictors: any PredictorProvider) {
        guard case let .mapping(top) = root else { return }
        let partNodes: [Node] = top["parts"].map { if case let .sequence(s) = $0 { Array(s) } else { [] } } ?? [root]
        for (index, part) in manifest.parts.enumerated() {
            let partNode = index < partNodes.count ? partNodes[index] : root
            func field(_ key: String) -> Node? {
                if case let .mapping(m) = partNode, let n = m[key] { return n }
                return top[key]
            }
            let targetNodes: [Node] = field("targets").map { if case let .sequence(s) = $0 { Array(s) } else { [$0] } } ?? []
            let spaceNodes: [Node] = field("spaces").map { if case let .sequence(s) = $0 { Array(s) } else { [$0] } } ?? []
            /// Where a space's predictor is written: in the space's entry when it names its own, else the part's field.
            func predictorNode(_ key: String, spaceIndex: Int) -> Node? {
                let entry = spaceIndex < spaceNodes.count ? spaceNodes[spaceIndex] : nil
                if case let .mapping(m)? = entry, let n = m[key] { return n }
                return field(key) ?? entry ?? partNode
            }
            for (spaceIndex, space) in part.spaces.enumerated() {
                guard let searchSpace = try? space.makeSpace() else { continue }
                do {
                    _ = try predictors.accuracyPredictor(part.accuracy(for: space), space: searchSpace)
                } catch {
                    reader.issue(predictorNode("accuracy", spaceIndex: spaceIndex), "accuracy: cannot load '\(part.accuracy(for: space).spelled)' for \(space.name): \(error)")
                }
                let efficiency: any EfficiencyPredictor
                let reference = space.projection?.proxy ?? part.efficiency(for: space)
                do {
                    // A projected space searches with its proxy, scaled to the real predictor as
                    // the runner scales it: the targets must fit that.
                    let proxy = try predictors.efficiencyPredictor(reference, space: searchSpace)
                    if let projection = space.projection {
                        let real = try predictors.efficiencyPredictor(part.efficiency(for: space), space: searchSpace)
                        efficiency = try ArchitectureCost.calibrated(proxy, to: real, space: searchSpace, samples: projection.samples, seed: 0)
                    } else {
                        efficiency = proxy
                    }
                } catch {
                    reader.issue(predictorNode(space.projection == nil ? "efficiency" : "projection", spaceIndex: spaceIndex), "efficiency: cannot load '\(part.efficiency(for: space).spelled)' for \(space.name): \(error)")
                    continue
                }
                var cheapest: (cost: Double, resolution: Int)?
                do {
                    if reference.kind == .measured {
                        // Measuring is slow: price only the smallest subnet at each resolution.
                        for r in searchSpace.resolutions {
                            let smallest = searchSpace.smallest(resolution: r)
                            let cost = try PredictionCheck.efficiency(try efficiency.predictEfficiency(smallest), of: smallest,
                                                                      metric: efficiency.metric, predictor: efficiency.name)
                            if cheapest == nil || cost < cheapest!.cost { cheapest = (cost, r) }
                        }
                    } else {
                        // The engine's own feasible range, so validation refuses exactly what the search would.
                        let range = try Evaluator(accuracy: NoAccuracy(), efficiency: efficiency).feasibleRange(in: searchSpace)
                        cheapest = (range.minimum, range.cheapest.resolution)
                    }
                } catch {
                    reader.issue(predictorNode("efficiency", spaceIndex: spaceIndex), "efficiency: '\(part.efficiency(for: space).spelled)' cannot price \(space.name): \(error)")
                    continue
                }
                guard let cheapest else { continue }
                for (i, target) in part.targets.enumerated() where target < cheapest.cost {
                    let unit = part.metric
                    reader.issue(i < targetNodes.count ? targetNodes[i] : field("targets") ?? partNode,
                                 "target \(RunPlan.format(target, metric: unit)) \(unit.unit) is below the smallest \(unit == .latency ? "latency" : "MACs") reachable in \(space.name) (\(RunPlan.format(cheapest.cost, metric: unit, precise: true)) \(unit.unit) at r\(cheapest.resolution)); feasible targets start there")
                }
            }
        }
    }
}

/// Stands in for the accuracy predictor where only costs are computed.
private struct NoAccuracy: AccuracyPredictor {
    var name: String { "none" }
    func predictAccuracy(_ archs: [Architecture]) throws -> [Double] { archs.map { _ in 0 } }
}
