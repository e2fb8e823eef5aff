import Foundation
import Testing
@testable import OFACore
@testable import OFAExperiments
import OFATestSupport

/// `--shard I/N` and `--shard auto` (SLURM and Kubernetes environments), the cost estimate and the
/// cost-balanced assignment, and merge's missing-run check (issue 15).
@Suite("Shard assignment")
struct ShardAssignmentTests {
    // MARK: environment parsing

    @Test(arguments: [
        // (--shard, --shards, environment, expected I/N)
        ("2/8", nil, [:], "2/8"),
        ("0/1", nil, ["SLURM_ARRAY_TASK_ID": "5"], "0/1"),   // explicit I/N ignores the environment
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"], "3/4"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"], "0/4"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "7"], "3/8"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MAX": "7"], "6/8"),
        // A task resubmitted on its own (sbatch --array=2) keeps its place through the explicit count.
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "2",
                       "SLURM_ARRAY_TASK_MAX": "2", "OFASEARCH_SHARDS": "4"], "2/4"),
        ("auto", 4, ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "2"], "2/4"),
        ("auto", 5, ["JOB_COMPLETION_INDEX": "0"], "0/5"),
        ("auto", nil, ["JOB_COMPLETION_INDEX": "2", "OFASEARCH_SHARDS": "3"], "2/3"),
        ("auto", 6, ["JOB_COMPLETION_INDEX": "5", "OFASEARCH_SHARDS": "3"], "5/6"),   // --shards wins over the variable
        ("auto", nil, ["JOB_COMPLETION_INDEX": " 1 ", "OFASEARCH_SHARDS": "2"], "1/2"),
    ] as [(String, Int?, [String: String], String)])
    func resolves(text: String, shards: Int?, env: [String: String], expected: String) throws {
        #expect(try ShardSpec.resolve(text, shards: shards, environment: env).description == expected)
    }

    @Test(arguments: [
        ("auto", nil, [:],
         "--shard auto needs SLURM_ARRAY_TASK_ID (a SLURM job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); neither is set"),
        ("auto", nil, ["OFASEARCH_SHARDS": "4"],
         "--shard auto needs SLURM_ARRAY_TASK_ID (a SLURM job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); neither is set"),
        ("auto", 2, ["SLURM_ARRAY_TASK_ID": "0", "JOB_COMPLETION_INDEX": "0"],
         "--shard auto found both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX; unset one or pass --shard I/N"),
        ("auto", nil, ["JOB_COMPLETION_INDEX": "1"],
         "JOB_COMPLETION_INDEX is set but not the shard count: pass --shards N or set OFASEARCH_SHARDS to the Job's completions"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "1"],
         "SLURM_ARRAY_TASK_ID is set but not the shard count: expected SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX, or pass --shards N (or set OFASEARCH_SHARDS)"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"],
         "SLURM array starts at 1, but shards are 0-based: submit --array=0-(N-1), or pass --shards N (or set OFASEARCH_SHARDS)"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "12"],
         "SLURM array 0-12 has 4 tasks (a step or a list), so the shard count is unclear: pass --shards N (or set OFASEARCH_SHARDS)"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"],
         "SLURM_ARRAY_TASK_ID=4 is not below the shard count 4: expected an index in 0..3"),
        ("auto", 3, ["JOB_COMPLETION_INDEX": "3"],
         "JOB_COMPLETION_INDEX=3 is not below the shard count 3: expected an index in 0..2"),
        ("auto", nil, ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"],
         "SLURM_ARRAY_TASK_ID must be a non-negative integer, got 'x'"),
        ("auto", nil, ["JOB_COMPLETION_INDEX": "-1", "OFASEARCH_SHARDS": "4"],
         "JOB_COMPLETION_INDEX must be a non-negative integer, got '-1'"),
        ("auto", nil, ["JOB_COMPLETION_INDEX": "0", "OFASEARCH_SHARDS": "four"],
         "OFASEARCH_SHARDS must be a non-negative integer, got 'four'"),
        ("auto", nil, ["JOB_COMPLETION_INDEX": "0", "OFASEARCH_SHARDS": "0"],
         "OFASEARCH_SHARDS must be at least 1, got '0'"),
        ("auto", 0, ["JOB_COMPLETION_INDEX": "0"], "--shards must be at least 1, got 0"),
        ("1/4", 4, [:], "--shards applies only to --shard auto (with --shard I/N the count is N), got --shard 1/4"),
        ("4/4", nil, [:], "--shard expects I/N with 0 <= I < N (e.g. 0/4) or 'auto', got '4/4'"),
        ("-1/4", nil, [:], "--shard expects I/N with 0 <= I < N (e.g. 0/4) or 'auto', got '-1/4'"),
        ("1/", nil, [:], "--shard expects I/N with 0 <= I < N (e.g. 0/4) or 'auto', got '1/'"),
        ("1/2/3", nil, [:], "--shard expects I/N with 0 <= I < N (e.g. 0/4) or 'auto', got '1/2/3'"),
        ("Auto", nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "1"],
         "--shard expects I/N with 0 <= I < N (e.g. 0/4) or 'auto', got 'Auto'"),
    ] as [(String, Int?, [String: String], String)])
    func refuses(text: String, shards: Int?, env: [String: String], message: String) {
        #expect(throws: ShardError(message)) { try ShardSpec.resolve(text, shards: shards, environment: env) }
        #expect(!message.contains("\n"))
    }

    // MARK: assignment

    @Test func longestProcessingTimeByHand() {
        // 5 → s0; 4 → s1; 3 (run 2) → s1 (4 < 5); 3 (run 3) → s0 (5 < 7); 3 (run 4) → s1 (7 < 8).
        let a = ShardAssignment(costs: [5, 4, 3, 3, 3], count: 2)
        #expect(a.owners == [0, 1, 1, 0, 1])
        #expect(a.loads == [8, 10])
        #expect(a.runs(of: 0) == [0, 3] && a.runs(of: 1) == [1, 2, 4])
        #expect(abs(a.share(of: 1) - 10.0 / 18.0) < 1e-12)
        // Ties between equal costs go by plan position, ties between shards to the lowest.
        #expect(ShardAssignment(costs: [1, 1, 1, 1], count: 3).owners == [0, 1, 2, 0])
        #expect(ShardAssignment(costs: [7, 2], count: 1).owners == [0, 0])
        let wide = ShardAssignment(costs: [3, 9], count: 4)
        #expect(wide.owners == [1, 0] && wide.runs(of: 2).isEmpty && wide.runs(of: 3).isEmpty)
        #expect(wide.summary(of: 1) == "shard 1/4: 1 of 2 runs, estimated 25.0% of the cost (largest shard 75.0%)")
    }

    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func everyRunExactlyOnceAndDeterministic(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        let costs = (0..<97).map { _ in Int(rng.next() % 1000) + 1 }
        let a = ShardAssignment(costs: costs, count: count), b = ShardAssignment(costs: costs, count: count)
        #expect(a == b)
        let all = (0..<count).flatMap { a.runs(of: $0) }
        #expect(all.sorted() == Array(0..<97))
        #expect(Set(all).count == 97)
        #expect(a.loads.reduce(0, +) == costs.reduce(0, +))
        for shard in 0..<count { #expect(a.loads[shard] == a.runs(of: shard).map { costs[$0] }.reduce(0, +)) }
        // Graham's bound for LPT: no shard exceeds the mean plus the largest single cost.
        let mean = Double(costs.reduce(0, +)) / Double(count)
        #expect(Double(a.loads.max()!) <= mean + Double(costs.max()!))
    }

    @Test func balancesASkewedPlanBetterThanRoundRobin() throws {
        // Expensive and cheap runs alternate with a period of four (space, strategy, target), so
        // round-robin over four shards puts both expensive runs of each target on one shard.
        let folder = TempFolder()
        let yaml = """
        name: skewed
        spaces:
          - name: compofa-mbv3-w1.0
            resolutions: [160, 192]
          - name: compofa-elastic-mbv3-w1.0
            resolutions: [176]
        accuracy: acc.json
        efficiency: {kind: lut, path: acc.json}
        strategies:
          big: {kind: random, samples: 200000}
          small: {kind: random, samples: 100}
        targets: [30, 40]
        seeds: [0]
        """
        let plan = try RunnerTests().plan(folder, yaml: yaml)
        let costs = RunCost.estimate(plan)
        #expect(plan.runs.map(\.strategy.label) == ["big", "big", "small", "small", "big", "big", "small", "small"])
        // 200,000 samples of 486 subnets are nearly all cache hits; in the elastic space, none is.
        #expect(costs == [807_290, 807_290, 1_900, 1_900, 3_800_000, 3_800_000, 1_900, 1_900])
        let count = 4
        var roundRobin = [Int](repeating: 0, count: count)
        for (i, c) in costs.enumerated() { roundRobin[i % count] += c }
        #expect(roundRobin == [4_607_290, 4_607_290, 3_800, 3_800])
        let balanced = ShardAssignment(plan: plan, count: count)
        // Optimal here: no shard holds more than the most expensive run.
        #expect(balanced.loads.max()! == costs.max()!)
        #expect(balanced.loads.max()! < roundRobin.max()!)
        #expect(balanced.owners == [2, 3, 2, 3, 0, 1, 2, 3])
        // The plan's shards are the assignment's, in plan order.
        for shard in 0..<count {
            #expect(plan.shard(index: shard, count: count).map(\.index) == balanced.runs(of: shard))
        }
        // Two plans loaded separately (two array tasks) agree.
        #expect(ShardAssignment(plan: try RunnerTests().plan(folder, yaml: yaml), count: count) == balanced)
    }

    @Test func costEstimates() throws {
        let folder = TempFolder()
        let plan = try RunnerTests().plan(folder)   // compofa-mbv3-w1.0 at 160 and 192: 486 subnets
        let costs = RunCost.estimate(plan)
        let byID = Dictionary(uniqueKeysWithValues: zip(plan.runs.map(\.id), costs))
        // Random, 60 samples, memoized: every sample may be new (486 > 60): 60 × (4 + 15).
        #expect(byID["main__compofa-mbv3-w1.0__random__t30__s1__r0"] == 1140)
        // Exhaustive: each of the 486 subnets predicted once, for both targets.
        #expect(byID["main__compofa-mbv3-w1.0__exhaustive__tall__s1__r0"] == 486 * 15)
        // The elastic-kernel space at one resolution also has more subnets than 60 samples.
        #expect(byID["main__compofa-elastic-mbv3-w1.0__random__t30__s1__r0"] == 1140)

        let part = plan.manifest.parts[0]
        var run = plan.runs[0]
        run.strategy = StrategySpec(label: "evolutionary", kind: .evolutionary)   // P = 100, N = 500
        // 50,100 evaluations; 486 subnets at most are new: 50,100 × 0.3 + 486 × 15.
        #expect(RunCost.estimate(run, part: part, spaceSize: 486) == 15_030 + 7_290)
        // A large space: 15% of the evaluations are predictions.
        #expect(RunCost.estimate(run, part: part, spaceSize: 1e20) == Int((50_100 * (0.3 + 0.15 * 15.0)).rounded()))
        run.strategy.memoize = false
        #expect(RunCost.estimate(run, part: part, spaceSize: 486) == Int((50_100 * 15.3).rounded()))
    }

    // MARK: merge

    @Test func mergeListsMissingRunsWithTheirShard() throws {
        let folder = TempFolder()
        let plan = try RunnerTests().plan(folder)
        let shards = (0..<3).map { folder.path + "/shard-\($0)" }
        // The two exhaustive runs (7,290 each) take shards 0 and 1; shard 2 gets seven cheap runs
        // (1,140 each) until it passes them, the eighth goes to shard 0.
        #expect(ShardAssignment(plan: plan, count: 3).runs(of: 2).count == 7)
        for i in 0..<3 {
            var r = RunnerTests().runner(plan, shards[i])
            r.shard = (i, 3)
            if i == 2 { r.stopAfter = 1 }   // as if the task were killed after one run
            _ = try r.run()
        }
        let indexes = try shards.map { try PlanIndex.read(folder: $0) }
        #expect(indexes[2].costs == RunCost.estimate(plan))
        #expect(indexes.map(\.shard) == ["0/3", "1/3", "2/3"])
        var merged = indexes[0]
        merged.shard = nil
        let owned = plan.shard(index: 2, count: 3)
        let missing = try ShardMerge.missing(index: merged, folders: shards, indexes: indexes, out: nil)
        #expect(missing.map(\.id) == owned.dropFirst().map(\.id))
        #expect(missing.map(\.index) == owned.dropFirst().map(\.index))
        #expect(missing.allSatisfy { $0.shard == ShardSpec(index: 2, count: 3) && $0.folder == shards[2] })
        #expect(missing[0].description == "\(owned[1].id)  (shard 2/3, folder \(shards[2]))")

        let lines = ShardMerge.refusal(missing, total: plan.runs.count)
        #expect(lines[0] == "error: 6 of 10 runs missing (shard 2/3); re-run the owning shard with 'ofasearch run MANIFEST --shard I/N --resume --out ITS_FOLDER', or pass --allow-missing to merge the rest")
        #expect(lines.count == 1 + missing.count && lines[1] == "missing: " + missing[0].description)

        // Without shard 2's folder the owner is still known, its folder is not.
        let without = try ShardMerge.missing(index: merged, folders: Array(shards.prefix(2)), indexes: Array(indexes.prefix(2)), out: nil)
        #expect(without.map(\.id) == owned.map(\.id))
        #expect(without.allSatisfy { $0.shard == ShardSpec(index: 2, count: 3) && $0.folder == nil })
        #expect(without[0].description.hasSuffix("(shard 2/3, no folder of that shard given)"))
        // Unsharded folders: the runs are listed without an owner.
        var plain = indexes[2]
        plain.shard = nil
        let unowned = try ShardMerge.missing(index: merged, folders: [shards[2]], indexes: [plain], out: nil)
        #expect(unowned.count == 9 && unowned.allSatisfy { $0.shard == nil } && unowned[0].description == unowned[0].id)

        // Once resumed, nothing is missing.
        var again = RunnerTests().runner(plan, shards[2])
        again.shard = (2, 3)
        again.resume = true
        let rest = try again.run()
        #expect(rest.alreadyDone == 1 && rest.completed == 6)
        #expect(try ShardMerge.missing(index: merged, folders: shards, indexes: indexes, out: nil).isEmpty)
    }
}

/// `ofasearch run --shard auto` under a simulated Kubernetes Indexed Job and `ofasearch merge`,
/// through the built executable: merged results equal an unsharded run's; a missing run is
/// refused with its shard unless --allow-missing.
@Suite struct ShardCommandTests {
    static var executable: String? { Executable.ofasearch }

    /// Runs `ofasearch ARGS` with the scheduler variables of this process removed and `env` added.
    static func run(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        // Output goes to files: no pipe can fill up and block the process.
        let capture = TempFolder()
        FileManager.default.createFile(atPath: capture.path + "/out", contents: nil)
        FileManager.default.createFile(atPath: capture.path + "/err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(executable))
        process.arguments = args
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX" && $0.key != ShardSpec.countVariable
        }
        environment.merge(env) { $1 }
        process.environment = environment
        let output = try #require(FileHandle(forWritingAtPath: capture.path + "/out"))
        let error = try #require(FileHandle(forWritingAtPath: capture.path + "/err"))
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return (process.terminationStatus, capture.read("out"), capture.read("err"))
    }

    /// A small manifest on the committed CompOFA model and analytic MACs (no ../shared needed).
    static func manifest(_ folder: TempFolder) -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return folder.write("m.yaml", """
        name: k8s-shards
        spaces:
          - name: compofa-mbv3-w1.0
            resolutions: [128, 160]
        accuracy: \(root)/predictors/compofa-elastic-mbv3-w1.0-top1
        efficiency: macs
        strategies:
          evolutionary: {population: 12, generations: 6}
          random: {samples: 40}
          exhaustive: {}
        targets: [200M, 300M]
        seeds: [0, 1]
        """)
    }

    @Test(.enabled(if: executable != nil, Executable.skipReason))
    func kubernetesIndexedJobShardsMergeToTheUnshardedRun() throws {
        let folder = TempFolder()
        let m = Self.manifest(folder)
        let whole = try Self.run(["run", m, "--out", folder.path + "/whole", "--jobs", "1"])
        #expect(whole.status == 0, "\(whole.err)")
        let runs = folder.read("whole/runs.jsonl").split(separator: "\n").count
        #expect(runs == 4 * 2 + 2 * 2)   // evolutionary and random per target and seed; exhaustive once per seed for both targets

        let shards = (0..<3).map { folder.path + "/pod-\($0)" }
        var owned: [[String]] = []
        for i in 0..<3 {
            let env = ["JOB_COMPLETION_INDEX": String(i), "OFASEARCH_SHARDS": "3"]
            let check = try Self.run(["run", m, "--check", "--shard", "auto"], env: env)
            #expect(check.status == 0)
            let lines = check.out.split(separator: "\n").map(String.init)
            #expect(lines[1].hasPrefix("shard \(i)/3: \(lines.count - 2) of 10 runs, estimated "))
            owned.append(Array(lines.dropFirst(2)))
            let r = try Self.run(["run", m, "--shard", "auto", "--out", shards[i], "--jobs", "1"], env: env)
            #expect(r.status == 0, "\(r.err)")
            let files = try FileManager.default.contentsOfDirectory(atPath: shards[i] + "/runs").filter { $0.hasSuffix(".jsonl") }
                .map { String($0.dropLast(".jsonl".count)) }
            #expect(files.sorted() == owned[i].sorted())
            #expect(try PlanIndex.read(folder: shards[i]).shard == "\(i)/3")
        }
        #expect(owned.flatMap { $0 }.count == 10 && Set(owned.flatMap { $0 }).count == 10)

        let merged = try Self.run(["merge"] + shards + ["--out", folder.path + "/merged"])
        #expect(merged.status == 0 && merged.err.isEmpty, "\(merged.err)")
        #expect(withoutTimings(folder.read("merged/runs.jsonl")) == withoutTimings(folder.read("whole/runs.jsonl")))
        #expect(!folder.read("merged/runs.jsonl").isEmpty)
        #expect(folder.read("merged/fronts.jsonl") == folder.read("whole/fronts.jsonl"))
        #expect(folder.read("whole/fronts.jsonl").split(separator: "\n").count == 10)

        // A pod killed before its last run: merge refuses, naming the run and its shard.
        let lost = try #require(owned[2].last)
        try FileManager.default.removeItem(atPath: shards[2] + "/runs/\(lost).jsonl")
        let refused = try Self.run(["merge"] + shards + ["--out", folder.path + "/refused"])
        #expect(refused.status == 1)
        #expect(refused.out.isEmpty)
        let lines = refused.err.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("error: 1 of 10 runs missing (shard 2/3); ") == true)
        #expect(lines.last == "missing: \(lost)  (shard 2/3, folder \(shards[2]))")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/refused"), "a refused merge writes nothing")

        let allowed = try Self.run(["merge"] + shards + ["--out", folder.path + "/partial", "--allow-missing"])
        #expect(allowed.status == 0)
        #expect(folder.read("partial/runs.jsonl").split(separator: "\n").count == runs - 1)
        #expect(folder.read("partial/report.md").contains("**Incomplete**"))

        // The pod restarted with --resume runs only what is missing.
        let resumed = try Self.run(["run", m, "--shard", "auto", "--resume", "--out", shards[2], "--jobs", "1"],
                                   env: ["JOB_COMPLETION_INDEX": "2", "OFASEARCH_SHARDS": "3"])
        #expect(resumed.status == 0 && resumed.out.hasPrefix("1 run(s) done, \(owned[2].count - 1) already finished"))
        let complete = try Self.run(["merge"] + shards + ["--out", folder.path + "/merged"])
        #expect(complete.status == 0)
        #expect(withoutTimings(folder.read("merged/runs.jsonl")) == withoutTimings(folder.read("whole/runs.jsonl")))
    }

    @Test(.enabled(if: executable != nil, Executable.skipReason))
    func autoWithoutASchedulerIsOneLine() throws {
        let folder = TempFolder()
        let r = try Self.run(["run", Self.manifest(folder), "--shard", "auto", "--out", folder.path + "/x"])
        #expect(r.status == 2)
        #expect(r.err == "error: --shard auto needs SLURM_ARRAY_TASK_ID (a SLURM job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); neither is set\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/x"))
        let k = try Self.run(["run", Self.manifest(folder), "--check", "--shard", "auto"], env: ["JOB_COMPLETION_INDEX": "1"])
        #expect(k.status == 2)
        #expect(k.err == "error: JOB_COMPLETION_INDEX is set but not the shard count: pass --shards N or set OFASEARCH_SHARDS to the Job's completions\n")
        let s = try Self.run(["run", Self.manifest(folder), "--check", "--shard", "auto", "--shards", "2"],
                             env: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "1"])
        #expect(s.status == 0)
        #expect(s.out.split(separator: "\n")[1].hasPrefix("shard 1/2: "))
    }
}
