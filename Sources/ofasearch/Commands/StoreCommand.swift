import ArgumentParser
import Foundation
import OFASearch

/// `ofasearch store stats|export|import`: the measurement store of external evaluators
/// (docs/evaluators.md). Export writes the JSON Lines that `predictor train` reads, so a model
/// can be fitted to the user's own measurements.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Inspect, export and import an evaluator measurement store (SQLite).",
        subcommands: [Stats.self, Export.self, Import.self, Merge.self]
    )

    static func open(_ path: String) throws -> MeasurementStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.database(path: path, reason: "no such file") }
        return try MeasurementStore(path: path, create: false)
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the measurements per evaluator (name, version, device, metric) and space.")
        @Argument(help: "The store (an evaluator spec's `store`).") var store: String

        func run() throws {
            let summaries = try StoreCommand.open(store).summaries()
            if summaries.isEmpty { print("\(store): no measurements"); return }
            print("evaluator\tversion\tdevice\tmetric\tspace\tmeasurements\tfirst\tlast")
            for s in summaries {
                print([s.identity.name, s.identity.version, s.identity.device, s.identity.metric.rawValue, s.space,
                       String(s.count), s.first, s.last].map(\.printable).joined(separator: "\t"))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one evaluator's measurements as JSON Lines for `predictor train`.",
            discussion: """
            accuracy: one line per subnet, {"ks","e","d","r","top1","source"} with top-1 in % (the layout of \
            ../shared/ofa-data/accuracy/*.jsonl; train with --target top1). latency_ms: {"ks","e","d","r",\
            "latency_ms": {KEY: ms}} (the HELP latency file's layout; train with --target latency_ms.KEY).
            """)
        @Argument(help: "The store.") var store: String
        @Option(help: "accuracy or latency_ms.") var metric: String
        @Option(help: "Only this space (needed when the store holds several).") var space: String?
        @Option(help: "Only this evaluator name (needed when the store holds several for the metric).") var evaluator: String?
        @Option(help: "Only this device.") var device: String?
        @Option(help: "Only this evaluator version.") var version: String?
        @Option(help: "The key under latency_ms (default: the evaluator's name, letters, digits and _ only).") var key: String?
        @Option(help: "Output file (written atomically; default: standard output).") var out: String?

        func run() throws {
            guard let metric = EvaluatorIdentity.Metric(rawValue: metric) else {
                throw ValidationError("--metric must be accuracy or latency_ms, not '\(metric.printable)'")
            }
            if let space, !SpaceCatalog.names.contains(space) {
                throw ValidationError("--space '\(space.printable)' is not a space; known: \(SpaceCatalog.names.joined(separator: ", "))")
            }
            // The key becomes part of `--target latency_ms.KEY`: a dotted path, so no dots, not empty.
            if let key, key.isEmpty || !key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                throw ValidationError("--key must be letters, digits, '_' or '-' (it is read back as latency_ms.KEY), not '\(key.printable)'")
            }
            var rows = try StoreCommand.open(store).rows(metric: metric, space: space, evaluator: evaluator)
            if let device { rows = rows.filter { $0.identity.device == device } }
            if let version { rows = rows.filter { $0.identity.version == version } }
            let identities = rows.map(\.identity).reduce(into: [EvaluatorIdentity]()) { if !$0.contains($1) { $0.append($1) } }
            if identities.count > 1 {
                throw StoreError.database(path: store, reason: "holds \(metric.rawValue) measurements of \(identities.count) evaluators (\(identities.map(\.label).joined(separator: "; "))); choose one with --evaluator, --device, --version")
            }
            let spaces = Set(rows.map(\.space))
            if spaces.count > 1 {
                throw StoreError.database(path: store, reason: "holds measurements in \(spaces.count) spaces (\(spaces.sorted().joined(separator: ", "))); choose one with --space")
            }
            let label = identities.first?.label ?? ""
            let text = StoreExport.jsonLines(rows, metric: metric, latencyKey: key)
            if let out { try AtomicFile.write(text, to: out) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
            do {
                FileHandle.standardError.write(Data("exported \(rows.count) \(metric.rawValue) measurement(s)\(label.isEmpty ? "" : " of \(label.printable)")\(out.map { " to \($0)" } ?? "")\n".utf8))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add measurements from a JSON Lines file to a store, under an evaluator identity.",
            discussion: """
            Measurements made elsewhere (a published data set, an earlier tool) become the store's for the given \
            identity: a search with an evaluator of that name, version, device and metric will not measure them \
            again. Keys already stored keep their value.
            """)
        @Argument(help: "The store (created if missing).") var store: String
        @Option(help: "JSON Lines file: ks, e, d, r and the measured field on every line.") var from: String
        @OptionGroup var space: SpaceOptions
        @Option(help: "accuracy or latency_ms.") var metric: String
        @Option(help: "Measured field, dotted for nested fields (default: top1 for accuracy, in %; latency needs e.g. latency_ms.v100_64).") var target: String?
        @Option(help: "The evaluator's name, as its handshake gives it.") var name: String
        @Option(help: "The evaluator's device.") var device: String
        @Option(help: "The evaluator's version.") var version: String

        func run() throws {
            guard let metric = EvaluatorIdentity.Metric(rawValue: metric) else {
                throw ValidationError("--metric must be accuracy or latency_ms, not '\(metric.printable)'")
            }
            guard !name.isEmpty, !device.isEmpty, !version.isEmpty else { throw ValidationError("--name, --device and --version must be non-empty") }
            let space = try self.space.resolve()
            let field = target ?? (metric == .accuracy ? "top1" : "")
            guard !field.isEmpty else { throw ValidationError("--target is needed for latency_ms (e.g. latency_ms.v100_64)") }
            let rules = metric == .accuracy ? MeasurementRules.top1(in: space) : MeasurementRules.latency(in: space)
            let data = try MeasurementSet.loadJSONLines(path: from, target: field, rules: rules)
            let identity = EvaluatorIdentity(name: name, metric: metric, device: device, version: version)
            let scale = metric == .accuracy ? 0.01 : 1
            let added = try MeasurementStore(path: store).record(identity, space: space.name,
                                                                  data.rows.map { ($0.arch, EvaluatorMeasurement(value: $0.value * scale)) },
                                                                  source: "imported from \(from)")
            print("imported \(added) new measurement(s) of \(data.rows.count) into \(store) as \(identity.label)\(added < data.rows.count ? " (\(data.rows.count - added) already stored)" : "")")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the measurements of other stores (cluster shards, other machines) to a store.",
            discussion: "Keys the store already holds keep their value. The store is created if missing.")
        @Argument(help: "The store to add to.") var store: String
        @Argument(help: "The stores to add from.") var from: [String]

        func run() throws {
            guard !from.isEmpty else { throw ValidationError("give at least one store to merge from") }
            let into = try MeasurementStore(path: store)
            for other in from {
                let added = try into.merge(from: try StoreCommand.open(other).path)
                print("\(other): \(added) new measurement(s) added to \(store)")
            }
        }
    }
}
