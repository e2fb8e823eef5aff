import Foundation
import Testing
@testable import OFACore
@testable import OFAEngine
@testable import OFAEvaluators
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

/// External evaluators against the toy worker in scripts/evaluators: the protocol, and every
/// misbehaviour a user's script shows ending in one clear error or a recovered run.
@Suite struct EvaluatorTests {
    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    static let skipReason: Comment = "python3 is not installed: skipping the external-evaluator tests"
    static let script = TestData.packageRoot + "/scripts/evaluators/toy_evaluator.py"
    static let space = OFASpace(width: .w1_2, resolutions: [160, 192, 224])

    static func spec(_ args: [String], timeout: Double = 10, restarts: Int = 1, batchSize: Int = 4) -> EvaluatorSpec {
        EvaluatorSpec(command: [python!, script] + args, batchSize: batchSize, timeoutSeconds: timeout, startupTimeoutSeconds: 10, restarts: restarts)
    }

    static func archs(_ n: Int, seed: UInt64 = 1) -> [Architecture] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in space.sample(using: &rng) }
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-eval-\(getpid())-\(name)").path
    }

    @Test(.enabled(if: python != nil, skipReason))
    func handshakeAndBatchedMeasurements() throws {
        let evaluator = try ExternalEvaluator(spec: Self.spec(["--metric", "latency_ms"]))
        #expect(evaluator.identity == EvaluatorIdentity(name: "toy", metric: .latency, device: "this machine", version: "1"))
        let archs = Self.archs(10)
        let values = try evaluator.measure(archs, space: Self.space.name)
        #expect(values.count == 10)
        #expect(evaluator.requestCount == 3)   // batches of 4, 4, 2
        #expect(values.allSatisfy { $0.value > 1 && $0.repeats == 1 && $0.spread == 0 })
        // The same architecture measures the same, whatever batch it came in.
        let again = try evaluator.measure([archs[7]], space: Self.space.name)
        #expect(again[0] == values[7])
    }

    @Test(.enabled(if: python != nil, skipReason))
    func anEvaluatorSearchesLikeAPredictor() throws {
        let accuracy = try EvaluatorAccuracyPredictor(evaluator: try ExternalEvaluator(spec: Self.spec(["--metric", "accuracy"], batchSize: 64)), space: Self.space.name)
        let problem = SearchProblem(space: Self.space, accuracy: accuracy, efficiency: FakeCost(), budget: 12)
        let result = try EvolutionarySearch(population: 16, generations: 3).search(problem, seed: 1)
        let best = try #require(result.best)
        #expect(best.efficiency <= 12 && best.accuracy > 0.6 && best.accuracy < 1)
        // A latency evaluator cannot stand in for accuracy.
        #expect(throws: EvaluatorError.self) {
            try EvaluatorAccuracyPredictor(evaluator: try ExternalEvaluator(spec: Self.spec(["--metric", "latency_ms"])), space: "x")
        }
    }

    @Test(.enabled(if: python != nil, skipReason))
    func progressLinesOnStdoutAreIgnored() throws {
        let evaluator = try ExternalEvaluator(spec: Self.spec(["--mode", "noise"]))
        #expect(try evaluator.measure(Self.archs(3), space: Self.space.name).count == 3)
    }

    @Test(.enabled(if: python != nil, skipReason))
    func aWorkerThatCrashesOnceIsRestartedAndTheRequestRepeated() throws {
        let state = Self.temporaryPath("crash-once")
        try? FileManager.default.removeItem(atPath: state)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let evaluator = try ExternalEvaluator(spec: Self.spec(["--mode", "crash-once", "--state", state], restarts: 1))
        let archs = Self.archs(3)
        let values = try evaluator.measure(archs, space: Self.space.name)
        let reference = try ExternalEvaluator(spec: Self.spec([])).measure(archs, space: Self.space.name)
        #expect(values == reference)
    }

    /// Each failure: one error naming the evaluator and what went wrong, within the timeout.
    @Test(.enabled(if: python != nil, skipReason), arguments: [
        (["--mode", "crash"], "the worker ended (exit status 3) during request", "out of memory"),
        (["--mode", "hang"], "no answer to request", ""),
        (["--mode", "garbage"], "is not JSON", ""),
        (["--mode", "nan"], "is not JSON", ""),
        (["--mode", "wrong-id"], "carries id 1001", ""),
        (["--mode", "negative"], "latency_ms -1.5 is impossible", ""),
        (["--mode", "error"], "it reported an error: subnet does not fit in device memory", ""),
    ])
    func misbehavingWorkersEndInOneClearError(args: [String], message: String, stderr: String) throws {
        let start = Date()
        let evaluator = try ExternalEvaluator(spec: Self.spec(args, timeout: 1, restarts: 1))
        #expect {
            _ = try evaluator.measure(Self.archs(2), space: Self.space.name)
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && text.contains("toy_evaluator.py") && (stderr.isEmpty || text.contains(stderr)) && !text.contains("\n")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test(.enabled(if: python != nil, skipReason), arguments: [
        (["--mode", "no-hello"], "no handshake within"),
        (["--mode", "bad-hello"], "speaks protocol 'something-else/9'"),
    ])
    func aBadHandshakeIsRefused(args: [String], message: String) throws {
        var spec = Self.spec(args)
        spec.startupTimeoutSeconds = 1
        #expect { _ = try ExternalEvaluator(spec: spec) } throws: { "\($0)".contains(message) }
    }

    /// `lut profile --evaluator`: every layer key a space can need, asked by its OFA key; the
    /// table then prices every subnet of the space.
    @Test(.enabled(if: python != nil, skipReason))
    func anEvaluatorProfilesALatencyTable() throws {
        let evaluator = try ExternalEvaluator(spec: Self.spec(["--metric", "latency_ms"], batchSize: 50))
        let space = OFASpace(width: .w1_0, resolutions: [160, 224])
        var calls = 0
        let table = try EvaluatorLatencyTable.profile(space: space, evaluator: evaluator) { done, total in
            calls += 1
            #expect(done <= total)
        }
        let profiler = LatencyProfiler(space: space)
        let needed = Set(space.resolutions.flatMap { profiler.requiredLayers(resolution: $0).map(\.tableKey) })
        #expect(Set(table.entries.keys) == needed)
        #expect(calls == (needed.count + 49) / 50)
        // The toy's stand-in: 0.001 + (sum of the key's numbers) / 100000 ms.
        let stem = "Conv-input:224x224x3-output:112x112x16"
        #expect(table.entries[stem]?.mean == 0.001 + Double(224 + 224 + 3 + 112 + 112 + 16) / 100_000)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            let arch = space.sample(using: &rng)
            #expect(try table.latency(of: NetworkPlan(architecture: arch, width: .w1_0)) > 0)
        }
        // An accuracy evaluator cannot measure layers.
        let accuracy = try ExternalEvaluator(spec: Self.spec(["--metric", "accuracy"]))
        #expect(throws: EvaluatorError.self) { try accuracy.measureLayers([stem]) }
    }

    @Test func specFilesAreCheckedWithTheirLine() throws {
        let dir = Self.temporaryPath("specs")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = "kind: command\ncommand: [python3, toy.py, --metric, accuracy]\nbatch_size: 8\ntimeout_seconds: 30\nrestarts: 0\nenvironment: {OMP_NUM_THREADS: \"1\"}\n"
        try good.write(toFile: dir + "/ok.yaml", atomically: true, encoding: .utf8)
        #expect(EvaluatorSpec.looksLikeSpec(dir + "/ok.yaml"))
        let spec = try EvaluatorSpec(contentsOf: dir + "/ok.yaml")
        #expect(spec.command == ["python3", "toy.py", "--metric", "accuracy"] && spec.batchSize == 8 && spec.restarts == 0)
        #expect(spec.workingDirectory == URL(fileURLWithPath: dir).standardized.path && spec.environment == ["OMP_NUM_THREADS": "1"])
        for (i, (text, message)) in [
            (good + "batch_sise: 3\n", "ok-0.yaml:7: unknown key 'batch_sise'"),
            (good.replacingOccurrences(of: "batch_size: 8", with: "batch_size: 0.5"), ":3: batch_size must be a whole number in 1...100000"),
            (good.replacingOccurrences(of: "timeout_seconds: 30", with: "timeout_seconds: -1"), ":4: timeout_seconds must be a number"),
            (good.replacingOccurrences(of: "command: [python3, toy.py, --metric, accuracy]", with: "command: {a: 1}"), "command must be a list"),
        ].enumerated() {
            let path = dir + "/ok-\(i).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect { _ = try EvaluatorSpec(contentsOf: path) } throws: { "\($0)".contains(message) }
        }
    }
}
