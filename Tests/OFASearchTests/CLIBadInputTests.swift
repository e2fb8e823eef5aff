import Foundation
import Testing
@testable import OFACore
@testable import OFAExperiments
import OFATestSupport

/// Bad input through the built executable: one error line, a non-zero exit, and no work wasted
/// before a check that could have been made up front.
@Suite struct CLIBadInputTests {
    static let executable = Executable.ofasearch
    static let skipReason = Executable.skipReason

    static func run(_ args: [String], stdin: String = "") throws -> (Int32, String, String) {
        try Executable.ofasearch(args, stdin: stdin)
    }

    static let model = TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1"
    static let table = TestData.packageRoot + "/predictors/cpu-lut-w1.0"
    static let arch = #"{"ks":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"e":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"d":[2,2,2,2,2],"r":224}"#

    @Test(.enabled(if: executable != nil, skipReason))
    func predictTakesAnXGBoostModelDirectory() throws {
        let (status, out, err) = try Self.run(["predict", "--space", "ofa-mbv3-w1.0", "--accuracy", Self.model,
                                               "--latency", Self.table], stdin: Self.arch)
        #expect(status == 0, "\(err)")
        let line = try JSONCObject(parsing: out.trimmingCharacters(in: .newlines))
        let accuracy = try line.double("accuracy"), latency = try line.double("latency_ms")
        #expect(accuracy > 0.6 && accuracy < 0.8)
        #expect(latency > 0)
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func predictRefusesAModelOfAnotherSpaceInOneLine() throws {
        let (status, out, err) = try Self.run(["predict", "--space", "ofa-mbv3-w1.2", "--accuracy", Self.model], stdin: Self.arch)
        #expect(status != 0 && out.isEmpty)
        #expect(err.split(separator: "\n").count == 1)
        #expect(err.contains("ofa-mbv3-w1.0") && err.contains("ofa-mbv3-w1.2"))
    }

    /// An output that cannot be written is refused before minutes of profiling or measuring.
    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        ["lut", "profile", "--space", "ofa-mbv3-w1.0", "--resolutions", "128", "--out", "/nonexistent-folder/t.yaml"],
        ["lut", "profile", "--space", "ofa-mbv3-w1.0", "--resolutions", "128", "--out", "/dev/null/tables"],
        ["lut", "validate", "--space", "ofa-mbv3-w1.0", "--resolutions", "128", "--table", table, "--plot", "/nonexistent-folder/p.svg"],
        ["lut", "validate", "--space", "ofa-mbv3-w1.0", "--resolutions", "128", "--table", table, "--details", "/tmp"],
    ])
    func lutOutputsAreCheckedUpFront(args: [String]) throws {
        let start = Date()
        let (status, out, err) = try Self.run(args)
        #expect(status != 0 && out.isEmpty)
        #expect(err.hasPrefix("Error: --"), "\(err)")
        #expect(Date().timeIntervalSince(start) < 5, "the check ran after the measurements")
    }

    /// A JSON file given as a latency table (one line of megabytes) is quoted briefly, not whole.
    @Test(.enabled(if: executable != nil, skipReason))
    func aLongBadLineIsQuotedBriefly() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("long-\(getpid()).yaml").path
        try ("{\"layers\":[" + String(repeating: "0.123456,", count: 100_000) + "0]}\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (status, _, err) = try Self.run(["predict", "--space", "ofa-mbv3-w1.2", "--latency", file], stdin: Self.arch)
        #expect(status != 0)
        #expect(err.contains(file + ":1:"))
        #expect(err.count < 400, "\(err.count) characters of error")
        let (status2, _, err2) = try Self.run(["lut", "validate", "--space", "ofa-mbv3-w1.2", "--table", file])
        #expect(status2 != 0)
        #expect(err2.count < 600, "\(err2.count) characters of error")
    }

    /// A model trained on fewer resolutions than the space has is refused before the search, with
    /// the --resolutions that would work; narrowed that way the same search runs.
    @Test(.enabled(if: executable != nil, skipReason))
    func searchRefusesResolutionsTheModelNeverSaw() throws {
        let model = TestData.packageRoot + "/predictors/compofa-elastic-mbv3-w1.0-top1"
        let args = ["search", "--space", "compofa-elastic-mbv3-w1.0", "--accuracy", model, "--macs", "--target", "3e8",
                    "--generations", "2", "--population", "10", "--json"]
        let (status, out, err) = try Self.run(args)
        #expect(status != 0 && out.isEmpty)
        #expect(err.split(separator: "\n").count == 1)
        #expect(err.contains("--resolutions 128,132,"), "\(err)")
        let (status2, out2, err2) = try Self.run(args + ["--resolutions", "128,160,192"])
        #expect(status2 == 0, "\(err2)")
        #expect(out2.contains("\"results\""))
    }

    /// Counts so large they crashed (libgomp with 100,000 threads, timing buffers for Int.max runs)
    /// or looped for ever (Int.max folds) are refused with a usage error.
    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        ["predictor", "train", "--kind", "accuracy", "--space", "ofa-mbv3-w1.0", "--data", "x.jsonl", "--out", "m", "--threads", "100000"],
        ["predictor", "train", "--kind", "accuracy", "--space", "ofa-mbv3-w1.0", "--data", "x.jsonl", "--out", "m", "--folds", "9223372036854775807"],
        ["lut", "validate", "--space", "ofa-mbv3-w1.0", "--table", table, "--runs", "9223372036854775807"],
        ["lut", "validate", "--space", "ofa-mbv3-w1.0", "--table", table, "--passes", "1000"],
        ["lut", "profile", "--space", "ofa-mbv3-w1.0", "--out", "t.yaml", "--runs", "9223372036854775807"],
    ])
    func hugeCountsAreRefused(args: [String]) throws {
        let (status, out, err) = try Self.run(args)
        #expect(status == 64 && out.isEmpty)
        #expect(err.hasPrefix("Error: --"), "\(err)")
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func predictInputThatIsADirectoryIsNamed() throws {
        let (status, out, err) = try Self.run(["predict", "--space", "ofa-mbv3-w1.2", "--macs", "--input", "/tmp"])
        #expect(status == 1 && out.isEmpty)
        #expect(err == "ofasearch predict: error: --input /tmp is a directory; give a JSON Lines file\n")
    }
}
