import ArgumentParser
import Foundation
import OFASearch

extension Stopwatch: ExpressibleByArgument {}

struct LUTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lut",
        abstract: "Profile and validate latency look-up tables on this CPU.",
        subcommands: [Profile.self, Validate.self]
    )

    /// Progress on stderr, only when it is a terminal.
    static func progress(_ line: String) {
        guard isatty(2) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Refuses an output path that cannot be written: a file whose folder does not exist or that
    /// is a directory, or a directory that is a file.
    static func checkOutput(_ path: String, option: String, directory: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue != directory {
                throw ValidationError("\(option) \(path) is \(directory ? "a file, not a directory" : "a directory, not a file")")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        if directory {
            // Created with its missing parents later; the nearest existing ancestor must be a folder.
            var ancestor = folder
            while !FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory), ancestor != "/", ancestor != "." {
                let up = (ancestor as NSString).deletingLastPathComponent
                ancestor = up.isEmpty ? "." : up
            }
            guard isDirectory.boolValue else { throw ValidationError("\(option) \(path): \(ancestor) is a file, not a folder") }
            return
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option) \(path): folder \(folder) does not exist")
        }
    }

    /// A failed write as one line naming the file.
    static func writeFailure(_ path: String, _ error: any Error) -> ValidationError {
        let ns = error as NSError
        let reason = (ns.userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? ns.localizedDescription
        return ValidationError("cannot write \(path): \(reason)")
    }

    static func endProgress() { if isatty(2) == 1 { FileHandle.standardError.write(Data("\n".utf8)) } }

    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure every layer configuration a space can need and write an OFA-format latency table.",
            discussion: """
            Layers are timed inside whole subnets run by the engine (batch 1, float32, one OpenBLAS thread), \
            so each entry carries the cache state of an end-to-end run. --out DIR writes DIR/<r>_lookup_table.yaml \
            per resolution (OFA's note10 layout); --out FILE.yaml writes every key into one file.
            """
        )
        @OptionGroup var space: SpaceOptions
        @Option(help: "Timings each layer key gets at least, per resolution.") var repeats = 30
        @Option(help: "Timed runs of each profiling subnet (after one warm-up run).") var runs = 5
        @Option(help: "Seed for the profiling subnets and their random weights.") var seed: UInt64 = 0
        @Option(help: "Clock: thread-cpu (time this thread ran: equals wall time on a quiet machine, leaves out time other jobs got on a shared one) or wall.")
        var clock: Stopwatch = .threadCPU
        @Option(help: "Output: a directory (one file per resolution) or a .yaml file.") var out: String
        @Option(help: "An external latency evaluator's spec (docs/evaluators.md): each layer key is measured by it (its runtime, its device) instead of the engine.")
        var evaluator: String?

        func validate() throws {
            guard (1...1_000_000).contains(repeats) else { throw ValidationError("--repeats must be in 1...1000000, got \(repeats)") }
            guard (1...10_000).contains(runs) else { throw ValidationError("--runs must be in 1...10000, got \(runs)") }
            // Checked before profiling, which takes minutes: an unwritable --out would only fail at the end.
            try LUTCommand.checkOutput(out, option: "--out", directory: !(out.hasSuffix(".yaml") || out.hasSuffix(".yml")))
        }

        func run() throws {
            let space = try space.resolve()
            MachineInfo.pinBLASThreads(1)
            let before = MachineInfo.current()
            let start = Date()
            var table: ProfiledLatencyTable
            let method: [String]
            // An evaluator's table belongs to its device, not to this machine's CPU: no `cpu:` line
            // (which the foreign-table warning compares), a `device:` line instead.
            var deviceLine: String?
            if let evaluator {
                let worker = try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: evaluator))
                table = try EvaluatorLatencyTable.profile(space: space, evaluator: worker) { LUTCommand.progress("\($0)/\($1) layer keys measured") }
                deviceLine = "device: \(worker.identity.device) (the evaluator's)"
                method = ["ofasearch latency look-up table, OFA format: key -> count, mean, std (milliseconds)",
                          "space: \(space.name), resolutions \(space.resolutions.map(String.init).joined(separator: ","))",
                          "method: each layer key measured once by the external evaluator \(worker.identity.label) (spec \(evaluator));",
                          "  its value, spread and repeat count as mean, std and count"]
            } else {
                let profiler = LatencyProfiler(space: space, minSamples: repeats, runsPerSubnet: runs, warmup: 1, seed: seed, clock: clock)
                table = profiler.profile { LUTCommand.progress($0.line) }
                method = ["ofasearch CPU latency look-up table, OFA format: key -> count, mean, std (milliseconds)",
                          "space: \(space.name), resolutions \(space.resolutions.map(String.init).joined(separator: ","))",
                          "method: each layer timed inside whole subnets run by the ofasearch engine (batch 1, float32, NHWC,",
                          "  OpenBLAS GEMM for 1x1 convolutions); \(clock.rawValue) clock; 1 warm-up + \(runs) timed runs per subnet; at least \(repeats) timings",
                          "  per key; mean/std after dropping slow outliers (> median + 5 scaled MADs); keys shared by resolutions pool timings"]
            }
            LUTCommand.endProgress()
            let seconds = Date().timeIntervalSince(start)
            let after = MachineInfo.current()
            table.header = method + [
                "command: ofasearch lut profile \(CommandLine.arguments.dropFirst(3).joined(separator: " "))",
                "profile time: \(String(format: "%.1f", seconds)) s",
            ] + (deviceLine.map { [$0] } ?? []) + before.headerLines.filter { deviceLine == nil || !$0.hasPrefix("cpu:") }
                .map { $0.hasPrefix("load") ? $0 + " (start)" : $0 }
              + ["load average (1/5/15 min): \(after.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ")) (end)"]
            do { try table.write(to: out) } catch { throw LUTCommand.writeFailure(out, error) }
            if !(out.hasSuffix(".yaml") || out.hasSuffix(".yml")) {
                // A provenance note beside the per-resolution files (the reader only opens *_lookup_table.yaml).
                let lines = table.header.map { $0.hasPrefix(" ") ? "  " + $0.trimmingCharacters(in: .whitespaces) : "- " + $0 }
                let text = "# Provenance of this latency table\n\n" + lines.joined(separator: "\n")
                    + "\n- keys: \(table.entries.count) distinct layer configurations\n"
                do { try text.write(toFile: out + "/PROVENANCE.md", atomically: true, encoding: .utf8) } catch {
                    throw LUTCommand.writeFailure(out + "/PROVENANCE.md", error)
                }
            }
            print("profiled \(table.entries.count) layer keys for \(space.resolutions.count) resolutions in \(String(format: "%.1f", seconds)) s -> \(out)")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run random subnets end to end and compare their measured latency with the table's sums."
        )
        @OptionGroup var space: SpaceOptions
        @Option(help: "Latency table: a directory of <r>_lookup_table.yaml files or one .yaml file.") var table: String
        @Option(help: "Random subnets to run.") var samples = 200
        @Option(help: "Seed for the sampled subnets.") var seed: UInt64 = 1
        @Option(help: "Timed end-to-end runs per subnet and pass (median; after one warm-up run).") var runs = 5
        @Option(help: "Passes over all subnets; a subnet's latency is its fastest pass (bursts of interference from other jobs rarely hit both).")
        var passes = 2
        @Option(help: "Clock: wall or thread-cpu (use the one the table was profiled with).") var clock: Stopwatch = .threadCPU
        @Flag(help: "Print the result as JSON.") var json = false
        @Option(help: "Write an SVG scatter plot (predicted vs measured) here.") var plot: String?
        @Option(help: "Write one JSON line per subnet (architecture, predicted and measured ms) here.") var details: String?
        @Option(help: "An external latency evaluator's spec: subnets are measured end to end by it (its runtime, its device) instead of the engine; --runs, --passes and --clock are then the evaluator's business.")
        var evaluator: String?

        func validate() throws {
            // Upper bounds: per-run timing buffers are allocated up front (a huge --runs crashed).
            guard (2...1_000_000).contains(samples) else { throw ValidationError("--samples must be in 2...1000000, got \(samples)") }
            guard (1...10_000).contains(runs) else { throw ValidationError("--runs must be in 1...10000, got \(runs)") }
            guard (1...100).contains(passes) else { throw ValidationError("--passes must be in 1...100, got \(passes)") }
            if let plot { try LUTCommand.checkOutput(plot, option: "--plot", directory: false) }
            if let details { try LUTCommand.checkOutput(details, option: "--details", directory: false) }
        }

        func run() throws {
            let space = try space.resolve()
            MachineInfo.pinBLASThreads(1)
            let lut: ProfiledLatencyTable
            do { lut = try ProfiledLatencyTable(contentsOf: table) } catch { throw ValidationError(error.description) }
            var rng = SeededGenerator(seed: seed)
            var archs: [Architecture] = [], plans: [NetworkPlan] = [], predicted: [Double] = []
            for _ in 0..<samples {
                let arch = space.sample(using: &rng)
                let plan = NetworkPlan(architecture: arch, width: space.width)
                do { predicted.append(try lut.latency(of: plan)) } catch { throw ValidationError(error.description) }
                archs.append(arch); plans.append(plan)
            }
            let start = Date()
            let m = try measure(archs: archs, plans: plans, predicted: predicted, space: space)
            let lines = (0..<samples).map { i in
                JSONValue.object(archs[i].jsonFields + [("predicted_ms", .double(predicted[i])), ("measured_ms", .double(m.measured[i]))]
                    + (m.worker == nil ? [("measured_ms_per_pass", .array(m.perPass[i].map { .double($0) })), ("layer_sum_ms", .double(m.layerSums[i]))] : [])
                ).rendered()
            }
            LUTCommand.endProgress()
            let seconds = Date().timeIntervalSince(start)
            if let plot {
                do {
                    try LatencyScatterPlot(predicted: predicted, measured: m.measured,
                                           title: "\(space.name): table sum vs measured, \(samples) subnets").svg
                        .write(toFile: plot, atomically: true, encoding: .utf8)
                } catch { throw LUTCommand.writeFailure(plot, error) }
            }
            if let details {
                do { try (lines.joined(separator: "\n") + "\n").write(toFile: details, atomically: true, encoding: .utf8) } catch {
                    throw LUTCommand.writeFailure(details, error)
                }
            }
            printResult(space: space, predicted: predicted, measurements: m, seconds: seconds)
        }

        /// Latencies of the sampled subnets: by the evaluator, or by the engine in `passes`
        /// passes (end to end, then layer by layer; a subnet's result is its fastest pass).
        struct Measurements {
            var measured: [Double]
            var layerSums: [Double]
            var perPass: [[Double]]
            var worker: ExternalEvaluator?
        }

        func measure(archs: [Architecture], plans: [NetworkPlan], predicted: [Double], space: any SearchSpace) throws -> Measurements {
            // Each pass measures every subnet once (end to end, then layer by layer); a subnet's
            // result is its fastest pass. Interference from other jobs only slows runs down and
            // comes in bursts of a second or so, which rarely hit the same subnet in two passes
            // that lie `samples` subnets apart.
            var m = Measurements(measured: [Double](repeating: .infinity, count: samples), layerSums: [], perPass: [[Double]](repeating: [], count: samples))
            m.layerSums = m.measured
            if let evaluator {
                let w = try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: evaluator))
                m.measured = try EvaluatorLatencyPredictor(evaluator: w, space: space.name).predictEfficiency(archs)
                m.worker = w
            }
            for pass in 0..<(m.worker == nil ? passes : 0) {
                for i in 0..<samples {
                    let network = EngineNetwork(plan: plans[i], seed: seed &+ UInt64(i))
                    let e = network.measure(warmup: 1, runs: runs, clock: clock)
                    // The same subnet timed layer by layer, right after: separates the cost of per-layer
                    // timing from what the table adds (layers timed in other subnets, at another moment).
                    let l = network.measureLayerSum(warmup: 0, runs: runs, clock: clock)
                    m.measured[i] = min(m.measured[i], e); m.layerSums[i] = min(m.layerSums[i], l)
                    m.perPass[i].append(e)
                    LUTCommand.progress("pass \(pass + 1)/\(passes), subnet \(i + 1)/\(samples): table \(String(format: "%.2f", predicted[i])) ms, measured \(String(format: "%.2f", e)) ms")
                }
            }
            return m
        }

        /// The agreement (and, when the engine measured, what the bias is made of) as JSON or text.
        func printResult(space: any SearchSpace, predicted: [Double], measurements m: Measurements, seconds: Double) {
            let measured = m.measured, worker = m.worker
            let agreement = LatencyAgreement(predicted: predicted, measured: measured)
            let timingCost = LatencyAgreement(predicted: m.layerSums, measured: measured)
            let tableVsLayers = LatencyAgreement(predicted: predicted, measured: m.layerSums)
            let machine = MachineInfo.current()
            if json {
                let how: [(String, JSONValue)] = worker.map { [("evaluator", .string($0.identity.label))] }
                    ?? [("runs", .int(runs)), ("passes", .int(passes)), ("clock", .string(clock.rawValue))]
                let decomposition: [(String, JSONValue)] = worker != nil ? [] : [("bias_decomposition", .object([
                    ("layer_by_layer_timing_vs_end_to_end", .double(timingCost.bias)),
                    ("table_vs_layer_by_layer_same_subnet", .double(tableVsLayers.bias)),
                ]))]
                let result = JSONValue.object([
                    ("space", .string(space.name)), ("table", .string(table)), ("samples", .int(samples)), ("seed", .int(Int(seed))),
                ] + how + [
                    ("agreement", agreement.json), ("mean_measured_ms", .double(measured.reduce(0, +) / Double(samples))),
                ] + decomposition + [
                    ("seconds", .double((seconds * 10).rounded() / 10)),
                    ("load_average", .array(machine.loadAverage.map { .double($0) })),
                ])
                print(result.rendered(indent: 2))
            } else {
                print("""
                \(space.name): \(samples) subnets, table \(table), \(worker.map { "measured by \($0.identity.label)" } ?? "\(passes) pass(es) of \(runs) runs, \(clock.rawValue) clock")
                within ±10%: \(String(format: "%.1f", agreement.within10 * 100))%   within ±5%: \(String(format: "%.1f", agreement.within5 * 100))%
                RMSPE: \(String(format: "%.2f", agreement.rmspe * 100))%   Kendall tau: \(String(format: "%.3f", agreement.kendallTau))
                bias (mean relative error, table - measured): \(String(format: "%+.2f", agreement.bias * 100))%   mean |error|: \(String(format: "%.3f", agreement.meanAbsoluteErrorMs)) ms
                """)
                if worker == nil {
                    print("of which: timing layer by layer \(String(format: "%+.2f", timingCost.bias * 100))% (same subnet, same moment); table vs that \(String(format: "%+.2f", tableVsLayers.bias * 100))% (layers timed in other subnets, at another moment)")
                }
            }
        }
    }
}
