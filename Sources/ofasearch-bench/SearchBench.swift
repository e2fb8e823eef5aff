import Foundation
import OFASearch

/// The 25 ms search of the OFA tutorial (ofa-mbv3-w1.2 at 160…224, OFA's MLP, note10 table,
/// P = 100, N = 500, seed 3), one thread: wall time, evaluations, unique architectures, the time
/// spent inside the predictors against the predictor-bound estimates, and a side-by-side with
/// the public OFA Python search when a venv with `ofa` and torch can be had.
enum SearchBench {
    static let resolutions = [160, 176, 192, 208, 224]

    static func run() throws {
        guard let data = SharedData.locate() else {
            print("search: ../shared/ofa-data is absent; skipped")
            return
        }
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: resolutions)
        let mlp = try MLPAccuracyPredictor(contentsOf: data.path("predictors/ofa-tutorial-mlp-w1.2.json"))
        let lut = try LatencyTable(contentsOf: data.path("latency/note10"), for: space)
        let timed = TimedAccuracy(mlp)

        // The search, timed end to end (feasibility check included), best of 5 after a warm-up.
        var times: [Double] = [], cpus: [Double] = []
        var result: SearchResult?
        for i in 0..<6 {
            if i == 1 { timed.reset() }
            let problem = SearchProblem(space: space, accuracy: timed, efficiency: lut, budget: 25, threads: 1)
            let cpu0 = threadCPU()
            let r = try EvolutionarySearch().search(problem, seed: 3)
            if i > 0 { times.append(r.seconds); cpus.append(threadCPU() - cpu0) }
            result = r
        }
        guard let r = result else { return }
        let runs = Double(times.count)
        let best = times.min()!, median = times.sorted()[times.count / 2]
        let predictorSeconds = timed.seconds / runs, predictorCPU = timed.cpu / runs
        let meanCPU = cpus.reduce(0, +) / runs, meanWall = times.reduce(0, +) / runs
        let batches = Double(timed.calls) / runs, rows = Double(timed.rows) / runs
        print(String(format: "25 ms search, P=100 N=500 seed 3, 1 thread: wall best %.3f s, median %.3f s, mean %.3f s (of %d); CPU mean %.3f s",
                     best, median, meanWall, times.count, meanCPU))
        print(String(format: "  best accuracy %.5f at %.3f ms; evaluations %d, unique architectures %d, MLP rows %d in %.0f batches (%.1f rows/batch), cache hit rate %.1f%%",
                     r.best.accuracy, r.best.efficiency, r.evaluations, r.counts.uniqueArchitectures, r.counts.accuracyPredictions,
                     batches, rows / batches, r.counts.cacheHitRate * 100))
        print(String(format: "  latency look-ups %d (%d rejected candidates, %d repaired)", r.counts.efficiencyRequests, r.rejected, r.repaired))

        // Predictor-bound estimates: cost per row at a generation's batch size and at the
        // search's own mean batch size.
        var rng = SeededGenerator(seed: 99)
        let perRow100 = try rowCost(mlp, batch: 100, rng: &rng)
        let perRowOwn = try rowCost(mlp, batch: max(1, Int((rows / batches).rounded())), rng: &rng)
        let lutCost = lookupCost(lut, space: space, rng: &rng)
        // The search's own batches (sizes in order), replayed on fresh random subnets with
        // nothing else running: the predictor's compute bound for this search.
        let oneRun = Array(timed.batchSizes.prefix(timed.batchSizes.count / Int(runs)))
        let replay = try replayCost(mlp, sizes: oneRun, rng: &rng)
        let engine = meanCPU - predictorCPU - Double(r.counts.efficiencyRequests) * lutCost
        print(String(format: "  MLP: %.2f µs/row at batch 100, %.2f µs/row at batch %.0f; LUT: %.3f µs/look-up",
                     perRow100 * 1e6, perRowOwn * 1e6, (rows / batches).rounded(), lutCost * 1e6))
        print(String(format: "  bound without memoization (OFA's %d evaluations × batch-100 row cost): %.3f s CPU → the search takes %.2fx of it",
                     r.evaluations, Double(r.evaluations) * perRow100, meanCPU / (Double(r.evaluations) * perRow100)))
        print(String(format: "  compute bound: the search's %d MLP batches replayed alone take %.3f s CPU → the search (%.3f s CPU) is %.2fx that bound",
                     oneRun.count, replay, meanCPU, meanCPU / replay))
        print(String(format: "  bound with memoization (unique rows × row cost at the search's batch size): %.3f s; CPU time in the MLP %.3f s (%.0f%% of the search's CPU; wall %.3f s), latency look-ups ≈ %.3f s, engine rest ≈ %.3f s",
                     rows * perRowOwn, predictorCPU, 100 * predictorCPU / meanCPU, predictorSeconds, Double(r.counts.efficiencyRequests) * lutCost, engine))

        try compareWithPython(data: data, swiftSeconds: best, swiftCPU: meanCPU, swiftAccuracy: r.best.accuracy)
    }

    /// CPU seconds per row of one batched MLP call of `batch` rows.
    static func rowCost(_ mlp: MLPAccuracyPredictor, batch: Int, rng: inout SeededGenerator) throws -> Double {
        let space = OFASpace(width: .w1_2, resolutions: resolutions)
        let archs = (0..<batch).map { _ in space.sample(using: &rng) }
        _ = try mlp.predictAccuracy(archs)
        let reps = max(20, 20_000 / batch)
        let start = threadCPU()
        var sink = 0.0
        for _ in 0..<reps { sink += try mlp.predictAccuracy(archs)[0] }
        let s = threadCPU() - start
        if sink.isNaN { print("") }
        return s / Double(reps * batch)
    }

    /// CPU seconds to predict batches of the given sizes (best of 3).
    static func replayCost(_ mlp: MLPAccuracyPredictor, sizes: [Int], rng: inout SeededGenerator) throws -> Double {
        let space = OFASpace(width: .w1_2, resolutions: resolutions)
        let batches = sizes.map { n in (0..<n).map { _ in space.sample(using: &rng) } }
        var best = Double.infinity
        for _ in 0..<3 {
            let start = threadCPU()
            for b in batches { _ = try mlp.predictAccuracy(b) }
            best = min(best, threadCPU() - start)
        }
        return best
    }

    static func lookupCost(_ lut: LatencyTable, space: any SearchSpace, rng: inout SeededGenerator) -> Double {
        let archs = (0..<1000).map { _ in space.sample(using: &rng) }
        var sink = 0.0
        let start = threadCPU()
        for _ in 0..<100 { for a in archs { sink += (try? lut.predictEfficiency(a)) ?? 0 } }
        let s = threadCPU() - start
        if sink.isNaN { print("") }
        return s / 100_000
    }

    /// CPU seconds of the calling thread (robust to other processes sharing the cores).
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    // MARK: side-by-side with OFA's Python search

    static func compareWithPython(data: SharedData, swiftSeconds: Double, swiftCPU: Double, swiftAccuracy: Double) throws {
        let venv = ".build/bench-venv"
        let python = venv + "/bin/python"
        let script = "scripts/search-ofa-reference.py"
        guard FileManager.default.fileExists(atPath: script) else {
            print("  OFA Python side-by-side: skipped (run from the package root: \(script) not found)")
            return
        }
        if !hasOFA(python) {
            print("  OFA Python side-by-side: creating \(venv) (pip install ofa, torch CPU; up to 10 minutes)…")
            let ok = shell("python3 -m venv \(venv) && \(venv)/bin/pip install -q 'torch==2.13.0+cpu' ofa pyyaml tqdm numpy", timeout: 600)
            guard ok, hasOFA(python) else {
                print("  OFA Python side-by-side: skipped (could not install ofa and a CPU torch wheel into \(venv); torch==2.13.0+cpu must be installable)")
                return
            }
        }
        let out = capture([python, script, data.root, "--targets", "25", "--seeds", "3", "--threads", "1"], timeout: 300)
        guard let line = out?.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let seconds = obj["seconds"] as? Double, let cpu = obj["cpu_seconds"] as? Double,
              let acc = obj["accuracy"] as? Double else {
            print("  OFA Python side-by-side: skipped (the reference search did not run: \(out?.suffix(300) ?? "no output"))")
            return
        }
        print(String(format: "  OFA Python tutorial search (same MLP weights and table, 1 torch thread): %.2f s wall, %.2f s CPU, accuracy %.5f",
                     seconds, cpu, acc))
        print(String(format: "  → ofasearch is %.1fx faster (wall, best run vs the Python run) and %.1fx (CPU time); accuracy %.5f vs %.5f",
                     seconds / swiftSeconds, cpu / swiftCPU, swiftAccuracy, acc))
    }

    static func hasOFA(_ python: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: python)
            && capture([python, "-c", "import importlib.util as u, torch, yaml, tqdm, numpy; assert u.find_spec('ofa')"], timeout: 120) != nil
    }

    static func shell(_ command: String, timeout: Double) -> Bool {
        capture(["/bin/sh", "-c", command], timeout: timeout) != nil
    }

    /// Runs a command (found on PATH unless it is a path); its standard output when it exits 0
    /// within `timeout` seconds, else nil.
    static func capture(_ argv: [String], timeout: Double) -> String? {
        let p = Process()
        if argv[0].contains("/") {
            p.executableURL = URL(fileURLWithPath: argv[0])
            p.arguments = Array(argv.dropFirst())
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = argv
        }
        let outPath = NSTemporaryDirectory() + "ofasearch-bench-\(getpid()).out"
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
              let out = FileHandle(forWritingAtPath: outPath) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning {
            if Date() > deadline { p.terminate(); p.waitUntilExit(); return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try? out.close()
        guard p.terminationStatus == 0, let data = FileManager.default.contents(atPath: outPath) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Wraps an accuracy predictor and adds up the time spent in it.
final class TimedAccuracy: AccuracyPredictor, @unchecked Sendable {
    let inner: any AccuracyPredictor
    var name: String { inner.name }
    private(set) var seconds = 0.0
    private(set) var cpu = 0.0
    private(set) var calls = 0
    private(set) var rows = 0
    /// Batch sizes of the last `reset` period, in order.
    private(set) var batchSizes: [Int] = []

    init(_ inner: any AccuracyPredictor) { self.inner = inner }

    func reset() { seconds = 0; cpu = 0; calls = 0; rows = 0; batchSizes = [] }

    func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        let start = ContinuousClock.now, cpu0 = SearchBench.threadCPU()
        defer { seconds += SearchBench.seconds(since: start); cpu += SearchBench.threadCPU() - cpu0; calls += 1; rows += archs.count; batchSizes.append(archs.count) }
        return try inner.predictAccuracy(archs)
    }
}
