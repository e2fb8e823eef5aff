import Foundation
import Testing
@testable import OFACore
@testable import OFAEngine
@testable import OFAExperiments
import OFATestSupport

/// `ofasearch run` and `merge` through the built executable (issue 11): every refusal is one
/// line on stderr with a non-zero status, nothing is written outside the output folder, and
/// full or read-only file systems (tmpfs mounts in a private namespace, where `unshare` allows
/// them) are reported by path and reason.
@Suite struct RunCommandHardeningTests {
    static let executable = Executable.ofasearch
    static let skipReason = Executable.skipReason

    /// Whether this machine lets an unprivileged user namespace mount a tmpfs (for the full and
    /// read-only file-system tests).
    static let canMount: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let dir = NSTemporaryDirectory() + "ofasearch-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return (try? Executable.run("/usr/bin/unshare", ["-rm", "sh", "-c", "mount -t tmpfs tmpfs \"$0\"", dir]).0) == 0
    }()

    static func ofasearch(_ args: [String], in directory: String? = nil) throws -> (Int32, String, String) {
        try Executable.run(try #require(executable), args, in: directory)
    }

    /// A small experiment on committed predictors: 6 runs, well under a second.
    static func manifest(in folder: TempFolder, name: String = "small", seeds: String = "[0, 1]", extra: String = "") -> String {
        folder.write("small.yaml", """
        name: "\(name)"
        spaces: [{name: compofa-mbv3-w1.0, resolutions: [128, 160]}]
        accuracy: \(TestData.packageRoot)/predictors/compofa-elastic-mbv3-w1.0-top1
        efficiency: macs
        strategies: {exhaustive: {}, random: {samples: 20}}
        targets: [150M, 200M]
        seeds: \(seeds)
        \(extra)
        """)
    }

    /// stderr's lines other than warnings (a latency table from another CPU is not an error).
    static func errorLines(_ err: String) -> [Substring] {
        err.split(separator: "\n").filter { !$0.hasPrefix("warning:") }
    }

    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        (["--out", ""], "empty"), (["--out", "/"], "file-system root"), (["--out", "/tmp/.."], "file-system root"),
        (["--out", "/dev/null/out"], "cannot create the folder /dev/null/out: not a directory"),
        (["--fresh", "--resume"], "--resume keeps the finished runs and --fresh discards them"),
        (["--jobs", "0"], "--jobs must be between 1"),
    ])
    func badOutputsAndFlagsAreOneLine(args: [String], expected: String) throws {
        let folder = TempFolder()
        let manifest = Self.manifest(in: folder)
        let (status, out, err) = try Self.ofasearch(["run", manifest] + args, in: folder.path)
        #expect(status != 0)
        #expect(out.isEmpty)
        let lines = Self.errorLines(err)
        #expect(lines.count == 1, "\(err)")
        #expect(lines.first?.contains(expected) == true, "\(err)")
        #expect(!err.contains("NSCocoaErrorDomain"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"), "nothing written")
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func mergeRefusesAnEmptyOrRootOut() throws {
        for bad in ["", "/"] {
            let (status, out, err) = try Self.ofasearch(["merge", "/nonexistent", "--out", bad])
            #expect(status != 0 && out.isEmpty)
            #expect(Self.errorLines(err).count == 1, "\(err)")
        }
    }

    /// An error that quotes input holding invalid UTF-8 (decoded as U+FFFD) or control
    /// characters prints them escaped, whichever layer wrote the message.
    @Test(.enabled(if: executable != nil, skipReason))
    func errorsQuotingInvalidBytesAreEscaped() throws {
        let folder = TempFolder()
        let manifest = Self.manifest(in: folder, extra: "jobs: \"\u{FFFD}\u{1B}[31m\"")
        let (status, _, err) = try Self.ofasearch(["run", manifest, "--check"], in: folder.path)
        #expect(status != 0)
        let lines = Self.errorLines(err)
        #expect(lines.count == 1, "\(err)")
        #expect(lines.first?.contains("\\u{fffd}\\u{1b}[31m") == true, "\(err)")
        #expect(!err.unicodeScalars.contains { $0.value == 0xFFFD || $0.value == 0x1B })
    }

    /// The default folder `out/<name>` stays inside `out/` whatever the manifest's name.
    @Test(.enabled(if: executable != nil, skipReason))
    func theManifestNameCannotLeaveOut() throws {
        let folder = TempFolder()
        let manifest = Self.manifest(in: folder, name: "../../escape")
        let cwd = folder.path + "/a/b"
        try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
        let (status, out, err) = try Self.ofasearch(["run", manifest], in: cwd)
        #expect(status == 0, "\(err)")
        #expect(out.contains("report: out/__-..-escape/report.md"))
        #expect(FileManager.default.fileExists(atPath: cwd + "/out/__-..-escape/report.md"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a", "small.yaml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/a") == ["b"])
    }

    /// A folder locked by another process (this test) is refused at once, naming its pid, by
    /// `run` and by `merge --out`.
    @Test(.enabled(if: executable != nil, skipReason))
    func aLockedFolderIsRefusedByRunAndMerge() throws {
        let folder = TempFolder()
        let manifest = Self.manifest(in: folder)
        let (status0, _, err0) = try Self.ofasearch(["run", manifest, "--out", folder.path + "/source"])
        #expect(status0 == 0, "\(err0)")

        let locked = folder.path + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        var lock: OutputLock? = try #require(try OutputLock.acquire(folder: locked))
        for args in [["run", manifest, "--out", locked], ["merge", folder.path + "/source", "--out", locked]] {
            let start = Date()
            let (status, out, err) = try Self.ofasearch(args)
            #expect(status == 1 && out.isEmpty)
            let lines = Self.errorLines(err)
            #expect(lines.count == 1, "\(err)")
            #expect(lines.first?.contains("in use by another ofasearch process (pid \(getpid()))") == true, "\(err)")
            #expect(Date().timeIntervalSince(start) < 10, "it waited for the lock")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: locked) == [OutputLock.fileName])
        #expect(lock != nil)
        lock = nil
        // Released, the same merge goes ahead.
        let (status, _, err) = try Self.ofasearch(["merge", folder.path + "/source", "--out", locked])
        #expect(status == 0, "\(err)")
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func aHugePlanIsRefusedAtCheckAtOnce() throws {
        let folder = TempFolder()
        let start = Date()
        let (status, out, err) = try Self.ofasearch(["run", Self.manifest(in: folder, extra: "repeats: 1000000"), "--check"])
        #expect(status == 2 && out.isEmpty)
        #expect(Self.errorLines(err) == ["\(folder.path)/small.yaml:8: repeats must be at most 10,000, got 1000000"])
        let (status2, _, err2) = try Self.ofasearch(["run", Self.manifest(in: folder, seeds: "0..99999", extra: "repeats: 10000"), "--check"])
        #expect(status2 == 2)
        #expect(err2.contains("runs; a plan may hold at most 1,000,000"), "\(err2)")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    /// On a full file system, the runs whose results were lost are named and the status is 1.
    @Test(.enabled(if: executable != nil && canMount, "needs the built executable and unshare with tmpfs mounts"))
    func aFullDiskNamesTheRunsNotSaved() throws {
        let folder = TempFolder()
        let manifest = Self.manifest(in: folder)
        let disk = folder.path + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        // Four pages (whatever the page size): the manifest, the plan and a run or two fit, the rest does not.
        let script = """
        mount -t tmpfs -o nr_blocks=4 tmpfs "$0" || exit 99
        "$1" run "$2" --out "$0/out" --jobs 1; echo "status=$?"
        echo "saved:"; ls "$0/out/runs" | grep '\\.jsonl$' || true
        """
        let (status, out, err) = try Executable.run("/usr/bin/unshare", ["-rm", "sh", "-c", script, disk, try #require(Self.executable), manifest])
        #expect(status == 0, "\(err)")
        #expect(out.contains("status=1"), "\(out)")
        let lines = Self.errorLines(err)
        #expect(lines.count == 1, "\(err)")
        let line = try #require(lines.first)
        #expect(line.contains("no space left on device") && line.contains("run(s) not saved: "), "\(line)")
        // Every run is either saved or named as not saved.
        let saved = Set(out.components(separatedBy: "saved:\n").last!.split(separator: "\n").map { String($0.dropLast(".jsonl".count)) })
        let listed = line.components(separatedBy: "not saved: ").last!.components(separatedBy: ";").first!.components(separatedBy: ", ")
        let ids = try Self.ofasearch(["run", manifest, "--check"]).1.split(separator: "\n").dropFirst().map(String.init)
        #expect(ids.count == 6)
        #expect(!listed.isEmpty && Set(listed).isDisjoint(with: saved))
        #expect(Set(listed).union(saved) == Set(ids), "saved \(saved), listed \(listed)")
    }

    /// A finished experiment resumes in a read-only folder (nothing to write); what would write
    /// there fails in one line naming the path and "read-only file system" — pending runs before
    /// they run.
    @Test(.enabled(if: executable != nil && canMount, "needs the built executable and unshare with tmpfs mounts"))
    func aFinishedExperimentResumesReadOnly() throws {
        let folder = TempFolder()
        let manifest = Self.manifest(in: folder)
        let disk = folder.path + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let script = """
        mount -t tmpfs tmpfs "$0" || exit 99
        "$1" run "$2" --out "$0/out" >/dev/null 2>&1 || exit 98
        "$1" run "$2" --out "$0/out2" >/dev/null 2>&1 || exit 98
        rm "$(ls "$0"/out2/runs/*.jsonl | head -1)"
        mount -o remount,ro "$0" || exit 97
        "$1" run "$2" --out "$0/out" --resume 2>&1; echo "resume=$?"
        "$1" run "$2" --out "$0/out" --fresh 2>&1; echo "fresh=$?"
        "$1" run "$2" --out "$0/new" 2>&1; echo "new=$?"
        "$1" run "$2" --out "$0/out2" --resume 2>&1; echo "pending=$?"
        """
        let (status, out, err) = try Executable.run("/usr/bin/unshare", ["-rm", "sh", "-c", script, disk, try #require(Self.executable), manifest])
        #expect(status == 0, "\(out) \(err)")
        let lines = out.split(separator: "\n").filter { !$0.hasPrefix("warning:") }.map(String.init)
        #expect(lines == [
            "0 run(s) done, 6 already finished in \(lines.first?.components(separatedBy: " in ").last?.components(separatedBy: " s;").first ?? "?") s; report: \(disk)/out/report.md",
            "resume=0",
            "error: cannot remove \(disk)/out/runs: read-only file system",
            "fresh=1",
            "error: cannot create the folder \(disk)/new: read-only file system",
            "new=1",
            "error: cannot save the 1 pending run(s) in \(disk)/out2/runs: read-only file system",
            "pending=1",
        ], "\(out)")
    }

    /// A profiled table whose recorded CPU is not this machine's is named once on stderr and in
    /// the report; one of this machine's is not.
    @Test(.enabled(if: executable != nil, skipReason))
    func aTableFromAnotherCPUIsNamed() throws {
        let folder = TempFolder()
        let table = TestData.packageRoot + "/predictors/cpu-lut-w1.0"
        let manifest = Self.manifest(in: folder)
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: "efficiency: macs", with: "efficiency: \(table)")
            .replacingOccurrences(of: "targets: [150M, 200M]", with: "targets: [4, 5]")
        folder.write("lut.yaml", text)
        let (status, _, err) = try Self.ofasearch(["run", folder.path + "/lut.yaml", "--out", folder.path + "/out"])
        #expect(status == 0, "\(err)")
        let warnings = err.split(separator: "\n").filter { $0.hasPrefix("warning: latency table") }
        let recorded = try #require(ProfiledLatencyTable.recordedCPU(path: table))
        if recorded == MachineInfo.currentCPUModel {
            #expect(warnings.isEmpty)
            #expect(!folder.read("out/report.md").contains("another CPU"))
        } else {
            #expect(warnings.count == 1, "\(err)")
            #expect(warnings.first?.contains(recorded) == true && warnings.first?.contains(MachineInfo.currentCPUModel) == true)
            #expect(folder.read("out/report.md").contains("was profiled on \(recorded); these runs ran on \(MachineInfo.currentCPUModel)"))
        }
    }
}
