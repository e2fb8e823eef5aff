import Foundation
import Testing
@testable import OFACore
@testable import OFAEngine
@testable import OFAExperiments
import OFATestSupport

/// The experiment runner and its output folder under hostile conditions (issue 11): output
/// paths that are empty, the root, unwritable or full; manifest names that climb out of `out/`;
/// two writers at once; resuming a finished experiment where nothing may be written; manifests
/// that would expand into millions of runs; latency tables from another CPU.
@Suite("Runner hardening")
struct RunnerHardeningTests {
    // MARK: Library

    func plan(_ folder: TempFolder, yaml: String = RunnerTests.manifest) throws -> RunPlan {
        try RunnerTests().plan(folder, yaml: yaml)
    }

    func runner(_ plan: RunPlan, _ out: String) -> ExperimentRunner {
        RunnerTests().runner(plan, out)
    }

    @Test func emptyAndRootOutputFoldersAreRefused() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        for bad in ["", "  ", "/", "//", "/tmp/..", "/./"] {
            #expect(throws: RunnerError.self, "'\(bad)'") { try OutputFolder.check(bad) }
            do {
                _ = try runner(p, bad).run()
                Issue.record("'\(bad)' was accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains(bad.trimmingCharacters(in: .whitespaces).isEmpty ? "empty" : "file-system root"), "\(text)")
                #expect(!text.contains("\n"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "/plan.json"), "nothing was written into /")
        #expect(throws: Never.self) { try OutputFolder.check(folder.path + "/out") }
        #expect(throws: Never.self) { try OutputFolder.check("out/x") }
    }

    @Test func namesBecomeFileNamesInsideTheFolder() {
        #expect(SafeName.slug("../../x") == "__-..-x")
        #expect(SafeName.slug(".hidden") == "_hidden")
        #expect(SafeName.slug("..") == "__")
        #expect(SafeName.slug(".") == "_")
        #expect(SafeName.slug("") == "-")
        #expect(SafeName.slug("a/b c") == "a-b-c")
        // Names already safe are unchanged, so existing run ids stay as they were.
        #expect(SafeName.slug("note10-mlp_v1.2") == "note10-mlp_v1.2")
        // A YAML `.nan` name gives a folder that does not read as a number.
        #expect(SafeName.slug(".nan") == "_nan")
        // A leading dot would hide the folder from a plain `ls out`.
        #expect(SafeName.slug(".hidden") == "_hidden")
    }

    @Test func aLockedFolderIsRefusedNamingTheHolder() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        let out = folder.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var lock = try OutputLock.acquire(folder: out)
        #expect(lock != nil)
        #expect(folder.read("out/.lock") == "\(getpid())\n")
        do {
            _ = try runner(p, out).run()
            Issue.record("a locked folder was written")
        } catch let error as OutputLockError {
            #expect(error.pid == getpid())
            #expect(error.description.contains("pid \(getpid())") && error.description.contains(out + "/.lock"))
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/plan.json"), "nothing written while locked")
        lock = nil   // released: the run goes ahead
        let summary = try runner(p, out).run()
        #expect(summary.completed == p.runs.count)
        _ = lock
    }

    /// A lock file left by a process that died does not block: flock died with it.
    @Test func aStaleLockFileDoesNotBlock() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        folder.write("out/.lock", "999999999\n")
        let summary = try runner(p, folder.path + "/out").run()
        #expect(summary.completed == p.runs.count && summary.succeeded)
        #expect(folder.read("out/.lock") == "\(getpid())\n")
    }

    @Test func freshAndResumeTogetherAreRefused() throws {
        let folder = TempFolder()
        var r = runner(try plan(folder), folder.path + "/out")
        r.fresh = true
        r.resume = true
        #expect(throws: RunnerError.self) { try r.run() }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    /// Resuming a finished experiment rewrites nothing (so it works in a read-only folder): every
    /// output keeps its inode and modification time, and no temporary file appears.
    @Test func resumingAFinishedExperimentWritesNothing() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        let out = folder.path + "/out"
        _ = try runner(p, out).run()
        func snapshot() throws -> [String: String] {
            var files: [String: String] = [:]
            let enumerator = try #require(FileManager.default.enumerator(atPath: out))
            while let name = enumerator.nextObject() as? String {
                if name == OutputLock.fileName { continue }
                var st = stat()
                #expect(stat(out + "/" + name, &st) == 0)
                files[name] = "\(st.st_ino)/\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
            }
            return files
        }
        let before = try snapshot()
        #expect(before.count > p.runs.count + 4)
        var again = runner(p, out)
        again.resume = true
        let summary = try again.run()
        #expect(summary.alreadyDone == p.runs.count && summary.completed == 0 && summary.succeeded)
        #expect(try snapshot() == before)
    }

    /// A run whose file cannot be written (here a folder stands where its file goes; on a full
    /// disk, the same) is listed by id, the others are saved, and --resume runs it again.
    @Test func runsThatCannotBeSavedAreListed() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        let blocked = p.runs[2].id
        folder.write("out/runs/\(blocked).jsonl/occupied", "x")
        let summary = try runner(p, folder.path + "/out").run()
        #expect(summary.notSaved == [blocked])
        #expect(summary.notSavedError?.contains("cannot write \(folder.path)/out/runs/\(blocked).jsonl") == true, "\(summary.notSavedError ?? "")")
        #expect(!summary.succeeded)
        #expect(summary.completed == p.runs.count - 1)
        #expect(folder.read("out/report.md").contains(blocked), "the report lists it as missing")
        try FileManager.default.removeItem(atPath: folder.path + "/out/runs/\(blocked).jsonl")
        var again = runner(p, folder.path + "/out")
        again.resume = true
        let rest = try again.run()
        #expect(rest.completed == 1 && rest.succeeded)
    }

    @Test func fileSystemErrorsReadAsOneLine() throws {
        let folder = TempFolder()
        let p = try plan(folder)
        do {
            _ = try runner(p, "/dev/null/out").run()
            Issue.record("/dev/null/out was accepted")
        } catch {
            #expect("\(error)" == "cannot create the folder /dev/null/out: not a directory")
        }
        #expect(FileSystem.reason(of: CocoaError(.fileWriteVolumeReadOnly)) == "read-only file system")
        #expect(FileSystem.reason(of: CocoaError(.fileWriteOutOfSpace)) == "no space left on device")
        #expect(FileSystem.reason(of: NSError(domain: NSCocoaErrorDomain, code: 642,
                                              userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))])) == "permission denied")
        #expect(FileSystem.reason(errno: ENOSPC) == "no space left on device")
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: "/dev/null/x/y") }
        do { try AtomicFile.write("x", to: "/dev/null/x/y") } catch {
            #expect(error.description.hasPrefix("cannot write /dev/null/x/y: cannot create its folder /dev/null/x: not a directory"))
        }
    }

    // MARK: Manifests

    func issues(_ yaml: String) -> [ManifestIssue] {
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        do {
            _ = try ManifestLoader(predictors: FakeAccuracyProvider.runner, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
            return []
        } catch { return error.issues }
    }

    static let parts = """
    name: defaults
    accuracy: acc.json
    efficiency: {kind: lut, path: acc.json}
    strategies: [exhaustive]
    targets: [30]
    parts:
      - name: a
        spaces: [{name: compofa-mbv3-w1.0, resolutions: [160]}]
    """

    /// Top-level defaults that every part overrides are validated all the same, at their lines.
    @Test func overriddenDefaultsAreValidated() {
        let found = issues("notes: {a: 1}\nspaces: []\n" + Self.parts)
        #expect(found.map(\.description) == ["m.yaml:1: notes must be a string, got a mapping", "m.yaml:2: spaces must not be empty"])
        let more = issues("repeats: 0\nseeds: [x]\nmulti: {modes: [sideways]}\n" + Self.parts.replacingOccurrences(of: "  - name: a\n", with: "  - name: a\n    repeats: 1\n    seeds: [1]\n    multi: {modes: [independent]}\n    strategies: [evolutionary]\n"))
        #expect(more.map(\.line) == [1, 2, 3], "\(more)")
        // Used defaults are still read once, through the parts.
        #expect(issues(Self.parts).isEmpty)
    }

    @Test func longNamesAreRefusedAtTheirLine() {
        let long = String(repeating: "p", count: 250)
        let found = issues(Self.parts.replacingOccurrences(of: "- name: a", with: "- name: \(long)"))
        #expect(found.count == 1)
        #expect(found.first?.line == 7 && found.first?.message.contains("250 bytes") == true, "\(found)")
        let label = issues(Self.parts.replacingOccurrences(of: "strategies: [exhaustive]", with: "strategies: {\(long): {kind: random}}"))
        #expect(label.first?.line == 4 && label.first?.message.contains("at most 64 bytes") == true, "\(label)")
        #expect(issues(Self.parts.replacingOccurrences(of: "name: defaults", with: "name: ''")).first?.message == "name must not be empty")
    }

    /// Names within bounds that still make run ids too long for a file name are refused before
    /// any run: the part name's line, the id's length.
    @Test func runIdsStayWithinTheFileNameLimit() throws {
        let part = String(repeating: "p", count: 64), label = String(repeating: "s", count: 64)
        let yaml = """
        name: long-ids
        accuracy: acc.json
        efficiency: {kind: lut, path: acc.json}
        strategies: {\(label): {kind: random, samples: 10}}
        targets: [32.345678901234567]
        seeds: [9223372036854775807]
        repeats: 10000
        parts:
          - name: \(part)
            spaces: [{name: compofa-elastic-mbv3-w1.0, resolutions: [160]}]
        """
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == 9, "\(found)")
        #expect(found.first?.message.contains("at most \(SafeName.maxRunIDBytes)") == true)
        // One step shorter, and every id fits, with room for the temporary suffix.
        let ok = yaml.replacingOccurrences(of: "compofa-elastic-mbv3-w1.0", with: "compofa-mbv3-w1.0").replacingOccurrences(of: "repeats: 10000", with: "repeats: 10")
        #expect(issues(ok).isEmpty)
        let folder = TempFolder()
        let p = try plan(folder, yaml: ok.replacingOccurrences(of: "acc.json", with: "acc.json"))
        let longest = try #require(p.runs.map(\.id).max { $0.utf8.count < $1.utf8.count })
        #expect(longest.utf8.count == RunPlan.longestID(part: p.manifest.parts[0]).utf8.count)
        #expect(longest.utf8.count <= SafeName.maxRunIDBytes)
        #expect((longest + ".jsonl.tmp-\(Int32.max)-\(Int.max)").utf8.count <= 255)
    }

    /// The count made without expanding a plan is the expanded plan's, multi-target sweeps included.
    @Test func runsAreCountedWithoutExpanding() throws {
        let folder = TempFolder()
        let single = try plan(folder, yaml: RunnerTests.manifest + "\nrepeats: 3\n")
        #expect(single.manifest.parts.compactMap(RunPlan.count(part:)).reduce(0, +) == single.runs.count)
        #expect(single.runs.count == 30)
        let multi = try plan(folder, yaml: RunnerTests.manifest
            .replacingOccurrences(of: "  random: {samples: 60}\n  exhaustive: {}", with: "  evolutionary: {population: 4, generations: 2}")
            .replacingOccurrences(of: "strategies: [random]", with: "strategies: [evolutionary]")
            .replacingOccurrences(of: "strategy: random", with: "strategy: evolutionary")
            + "\nmulti: {modes: [independent, top-down], variants: [paper, improved], target_counts: [1, 2]}\n")
        #expect(multi.manifest.parts.compactMap(RunPlan.count(part:)).reduce(0, +) == multi.runs.count)
        // 2 spaces × (independent + top-down × 2 variants) × 2 target counts × 2 seeds.
        #expect(multi.runs.count == 2 * 3 * 2 * 2)
    }

    /// `repeats: 1000000` and a plan of a billion runs are refused at once, without expanding it.
    @Test func hugePlansAreRefusedBeforeExpansion() {
        let start = ContinuousClock.now
        let repeats = issues(Self.parts + "\n    repeats: 1000000")
        #expect(repeats.map(\.description) == ["m.yaml:9: repeats must be at most 10,000, got 1000000"])
        let billion = issues(Self.parts + "\n    repeats: 10000\n    seeds: 0..99999")
        #expect(billion.count == 1 && billion.first?.message.contains("1,000,000,000 runs") == true, "\(billion)")
        #expect(billion.first?.line == 9)
        #expect(ContinuousClock.now - start < .seconds(5))
        // Strategy settings beyond any study's needs.
        let settings = issues(Self.parts.replacingOccurrences(of: "strategies: [exhaustive]",
            with: "strategies: {evolutionary: {population: 10000000, generations: 1000000000}, random: {samples: 9223372036854775807}, exhaustive: {limit: 1000000000}}"))
        #expect(settings.count == 4, "\(settings)")
        #expect(settings.allSatisfy { $0.line == 4 && $0.message.contains("must be at most") })
    }

    /// Predictors named in a space entry that fail to load are reported at that entry's line.
    @Test func predictorFailuresCarryALine() {
        let yaml = """
        name: space-predictors
        strategies: [exhaustive]
        targets: [30]
        spaces:
          - name: compofa-mbv3-w1.0
            resolutions: [160]
            accuracy: acc.json
            efficiency: {kind: lut, path: acc.json}
        """
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        do {
            _ = try ManifestLoader(predictors: FailingProvider(), paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
            Issue.record("loaded")
        } catch {
            #expect(error.issues.map(\.line) == [7, 8], "\(error)")
        }
    }

    // MARK: Latency tables from another CPU

    @Test func theCommittedTableRecordsItsCPU() throws {
        let cpu = try #require(ProfiledLatencyTable.recordedCPU(path: TestData.packageRoot + "/predictors/cpu-lut-w1.0"))
        #expect(cpu == "AMD EPYC (family 26, model 2, stepping 1, cache 1024 KB, avx2/fma/avx512f, virtual machine)")
        #expect(!MachineInfo.currentCPUModel.isEmpty)
        let foreign = ProfiledLatencyTable.foreignOrigin(path: TestData.packageRoot + "/predictors/cpu-lut-w1.0")
        #expect((foreign == nil) == (cpu == MachineInfo.currentCPUModel))
    }

    @Test func aTableFromAnotherCPUIsNamedOnStderrOnceAndInTheReport() throws {
        let folder = TempFolder()
        folder.write("other.yaml", "# ofasearch CPU latency look-up table\n# cpu: Imaginary CPU 9000 (family 1)\nkey:\n  mean: 1\n")
        folder.write("mine.yaml", "# cpu: \(MachineInfo.currentCPUModel)\nkey:\n  mean: 1\n")
        folder.write("ofa.yaml", "key:\n  mean: 1\n")
        #expect(ProfiledLatencyTable.recordedCPU(path: folder.path + "/ofa.yaml") == nil)
        #expect(ProfiledLatencyTable.foreignOrigin(path: folder.path + "/mine.yaml") == nil)
        #expect(ProfiledLatencyTable.foreignOrigin(path: folder.path + "/other.yaml")?.tableCPU == "Imaginary CPU 9000 (family 1)")

        let yaml = RunnerTests.manifest.replacingOccurrences(of: "efficiency: {kind: lut, path: acc.json}", with: "efficiency: {kind: lut, path: other.yaml}")
        let p = try plan(folder, yaml: yaml)
        let found = ForeignTable.find(in: p.manifest)
        #expect(found.map(\.table) == ["other.yaml"])
        #expect(found.map(\.tableCPU) == ["Imaginary CPU 9000 (family 1)"] && found.map(\.thisCPU) == [MachineInfo.currentCPUModel])
        let summary = try runner(p, folder.path + "/out").run()
        #expect(summary.foreignTables.map(\.table) == ["other.yaml"])
        let report = folder.read("out/report.md")
        #expect(report.contains("**Latency table from another CPU**: `other.yaml` was profiled on Imaginary CPU 9000 (family 1); these runs ran on \(MachineInfo.currentCPUModel)."))
        #expect(try PlanIndex.read(folder: folder.path + "/out").foreignTables?.first?.tableCPU == "Imaginary CPU 9000 (family 1)")
        // Once per table and process: the runner warned about this one already.
        #expect(!ProfiledLatencyTable.warnIfProfiledElsewhere(path: try #require(found.first?.path)))
        folder.write("third.yaml", "# cpu: Imaginary CPU 9001\nkey:\n  mean: 1\n")
        #expect(ProfiledLatencyTable.warnIfProfiledElsewhere(path: folder.path + "/third.yaml"))
        #expect(!ProfiledLatencyTable.warnIfProfiledElsewhere(path: folder.path + "/third.yaml"))
        #expect(!ProfiledLatencyTable.warnIfProfiledElsewhere(path: folder.path + "/mine.yaml"))

        let same = try plan(folder, yaml: yaml.replacingOccurrences(of: "other.yaml", with: "mine.yaml"))
        #expect(ForeignTable.find(in: same.manifest).isEmpty)
        _ = try runner(same, folder.path + "/out2").run()
        #expect(!folder.read("out2/report.md").contains("another CPU"))
        #expect(!folder.read("out2/plan.json").contains("foreignTables"))
    }
}
