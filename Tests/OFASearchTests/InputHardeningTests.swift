import Foundation
import Testing
@testable import OFACore
@testable import OFAXGBoost
@testable import OFAPredictors
@testable import OFAEngine
@testable import OFAStrategies
@testable import OFAExperiments
import OFATestSupport

/// Issue 11's reproductions of bad input: each ends in one error line naming the file, line and
/// field, never a crash or a number that cannot be right.
@Suite struct InputHardeningTests {
    static let executable = Executable.ofasearch
    static let skipReason = Executable.skipReason
    static let arch = #"{"ks":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"e":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"d":[2,2,2,2,2],"r":224}"#

    static func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-hardening-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One failing invocation: non-zero, nothing on stdout, exactly one line on stderr.
    static func expectOneLineError(_ args: [String], stdin: String = "", contains parts: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, out, err) = try Executable.ofasearch(args, stdin: stdin)
        #expect(status == 1, "exit \(status): \(err)", sourceLocation: sourceLocation)
        #expect(out.isEmpty, "stdout: \(out.prefix(200))", sourceLocation: sourceLocation)
        #expect(err.split(separator: "\n").count == 1, "stderr: \(err.prefix(400))", sourceLocation: sourceLocation)
        for part in parts { #expect(err.contains(part), "'\(part)' not in: \(err)", sourceLocation: sourceLocation) }
    }

    // MARK: JSON

    /// A JSON `null` inside a list crashed (force-unwrapped nil).
    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        (#"{"ks":[null],"e":[],"d":[],"r":224}"#, "key 'ks[0]' must be an integer"),
        (arch.replacingOccurrences(of: "[2,2,2,2,2]", with: "[2,2,2,2,null]"), "key 'd[4]' must be an integer"),
        (arch.replacingOccurrences(of: #""r":224"#, with: #""r":[null]"#), "key 'r' must be an integer or a one-element list"),
    ])
    func nullInsideAListIsAnError(input: String, message: String) throws {
        try Self.expectOneLineError(["predict", "--space", "ofa-mbv3-w1.2", "--macs"], stdin: input, contains: ["stdin:1: ", message])
    }

    /// json-c's leniencies are refused: strict JSON everywhere, with the column.
    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        (arch.replacingOccurrences(of: "\"", with: "'"), "single-quoted strings are not JSON"),
        (arch.replacingOccurrences(of: #""r":224"#, with: #""r":224 /* c */"#), "comments are not JSON"),
        (arch.replacingOccurrences(of: #""r":224"#, with: #""r":0224"#), "malformed number"),
        (arch.replacingOccurrences(of: #""r":224"#, with: #""r":NaN"#), "'NaN' is not a JSON value"),
        (arch.replacingOccurrences(of: #""r":224"#, with: #""r":224.0e"#), "malformed number"),
        (arch + "\u{0}garbage", "a NUL byte"),
        (arch.replacingOccurrences(of: "[2,2,2,2,2]", with: "[2,2,2,2,2,]"), "malformed JSON"),
        (arch.replacingOccurrences(of: #""r":224"#, with: #""r":1e400"#), "key 'r' must be"),
    ])
    func lenientJSONIsRefused(input: String, message: String) throws {
        try Self.expectOneLineError(["predict", "--space", "ofa-mbv3-w1.2", "--macs"], stdin: input, contains: ["stdin:1: ", message])
    }

    @Test func strictJSONScanNamesLineAndColumn() throws {
        #expect(throws: Never.self) { try StrictJSON.check(#"{"a": [1, -2.5e-3, true, false, null, "x\"\u00e9\n"]}"#) }
        #expect(throws: JSONInputError.malformed("line 2, column 6: single-quoted strings are not JSON (use double quotes) (ofasearch reads strict JSON)")) {
            try StrictJSON.check("{\"a\":\n  1, 'b': 2}")
        }
        #expect(throws: JSONInputError.self) { try JSONCObject(parsing: "{\"a\": Infinity}") }
        #expect(throws: JSONInputError.self) { try JSONCObject(parsing: "{\"a\": \"tab\there\"}") }
        // A number beyond the double range is not a finite number.
        let big = try JSONCObject(parsing: #"{"a": 1e400, "b": [1, null]}"#)
        #expect(big["a"]?.doubleValue == nil)
        #expect(throws: JSONInputError.wrongType(key: "b[1]", expected: "a finite number")) { try big.doubleArray("b") }
    }

    /// Entries of blocks the depth skips are values of the space's choices too (README).
    @Test(.enabled(if: executable != nil, skipReason))
    func skippedBlockOutOfSpaceIsRefused() throws {
        var ks = Array(repeating: 3, count: 20)
        ks[3] = 9   // unit 0 has depth 2: block 3 is skipped
        let input = #"{"ks":\#(ks),"e":\#(Array(repeating: 3, count: 20)),"d":[2,2,2,2,2],"r":224}"#
        try Self.expectOneLineError(["predict", "--space", "ofa-mbv3-w1.2", "--macs"], stdin: input,
                                    contains: ["stdin:1: ", "field 'ks[3]' = 9 is not allowed in ofa-mbv3-w1.2", "a skipped block"])
        // In-space values there are fine (the data sets hold arbitrary choices in skipped blocks).
        ks[3] = 7
        let fine = #"{"ks":\#(ks),"e":\#(Array(repeating: 3, count: 20)),"d":[2,2,2,2,2],"r":224}"#
        let (status, out, _) = try Executable.ofasearch(["predict", "--space", "ofa-mbv3-w1.2", "--macs"], stdin: fine)
        #expect(status == 0 && out.contains(#""macs":"#))
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func inputThatIsNotAFileOrNotUTF8() throws {
        try Self.expectOneLineError(["predict", "--space", "ofa-mbv3-w1.2", "--macs", "--input", "/dev/zero"], contains: ["/dev/zero is a device"])
        // Invalid UTF-8 bytes on line 2: the first line was answered (batch size 1), then the error names line 2.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.executable))
        process.arguments = ["predict", "--space", "ofa-mbv3-w1.2", "--macs", "--batch-size", "1"]
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input; process.standardOutput = output; process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data((Self.arch + "\n").utf8) + Data([0xFF, 0xFE, 0x0A]))
        try input.fileHandleForWriting.close()
        let answered = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(answered.split(separator: "\n").count == 1)
        #expect(message == "ofasearch predict: error: stdin:2: not UTF-8 text\n")
    }

    /// `predict` answers each batch as soon as it is complete: a client keeps the pipe open.
    @Test(.enabled(if: executable != nil, skipReason))
    func predictStreamsOverAnOpenPipe() throws {
        let process = try PipedProcess(try #require(Self.executable), ["predict", "--space", "ofa-mbv3-w1.2", "--macs", "--batch-size", "2"])
        func readLines(_ n: Int) -> Int { process.lines(atLeast: n).count }
        // Two lines complete the first batch: both are answered while stdin stays open.
        process.send(Self.arch + "\n" + Self.arch.replacingOccurrences(of: "224", with: "160"))
        #expect(readLines(2) == 2)
        // A third line waits for its batch (or the end of input).
        process.send(Self.arch)
        #expect(try process.finish() == 0)
        let lines = process.lines(atLeast: 3)
        #expect(lines.count == 3)
        #expect(lines[1].contains(#""r":160"#) && lines[2] == lines[0])
    }

    /// `serve` (issue 13): a handshake, then one reply per request while the pipe stays open;
    /// a bad request gets an error reply and the server goes on; its answers are `predict`'s.
    @Test(.enabled(if: executable != nil, skipReason))
    func serveAnswersRequestsOverAnOpenPipe() throws {
        let process = try PipedProcess(try #require(Self.executable), ["serve", "--space", "ofa-mbv3-w1.2", "--macs", "--params"])
        func line(_ n: Int) throws -> JSONCObject {
            let lines = process.lines(atLeast: n)
            try #require(lines.count >= n)
            return try JSONCObject(parsing: lines[n - 1])
        }
        func send(_ text: String) { process.send(text) }
        let hello = try line(1)
        #expect(hello["protocol"]?.stringValue == "ofasearch-serve/1")
        #expect(hello["answers"]?.jsonString == #"["macs","params"]"#)
        send(#"{"id": 7, "archs": [\#(Self.arch), \#(Self.arch.replacingOccurrences(of: "224", with: "160"))]}"#)
        let reply = try line(2)
        #expect(reply["id"]?.intValue == 7)
        let results = try #require(reply["results"])
        #expect(results.count == 2)
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        let arch = try Architecture(json: try JSONCObject(parsing: Self.arch), in: space)
        #expect(results[0]?["macs"]?.intValue == MACsPredictor(width: .w1_2).macs(of: arch))
        #expect(results[1]?["r"]?.intValue == 160)
        send("{not json")
        let notJSON = try line(3)
        #expect(notJSON["error"]?.stringValue?.hasPrefix("line 2: not JSON") == true)
        #expect(notJSON["id"]?.intValue == nil)
        send(#"{"id": "b", "archs": [{"ks": [3], "e": [3], "d": [2], "r": 224}]}"#)
        let bad = try line(4)
        #expect(bad["id"]?.stringValue == "b" && bad["error"]?.stringValue?.hasPrefix("archs[0]: ") == true)
        send(#"{"id": 8, "archs": []}"#)
        #expect(try line(5)["results"]?.count == 0)
        // A line that is not UTF-8 is answered, and the server goes on.
        process.input.fileHandleForWriting.write(Data([0x7B, 0xFF, 0x7D, 0x0A]))
        #expect(try line(6)["error"]?.stringValue?.contains("not UTF-8") == true)
        send(#"{"id": 9, "archs": []}"#)
        #expect(try line(7)["id"]?.intValue == 9)
        #expect(try process.finish() == 0)
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func emptyResolutionItemIsRefused() throws {
        let (status, _, err) = try Executable.ofasearch(["predict", "--space", "ofa-mbv3-w1.2", "--resolutions=160,,176", "--macs"], stdin: Self.arch)
        #expect(status != 0)
        #expect(err.contains("--resolutions: item 2 of '160,,176' is empty"), "\(err)")
    }

    // MARK: Predictor files

    static func mlpJSON(hidden: Int = 2, weight: String = "0.01", bias: String = "0.1") -> String {
        let row = "[" + Array(repeating: weight, count: 128).joined(separator: ",") + "]"
        let first = "{\"weight\":[" + Array(repeating: row, count: hidden).joined(separator: ",") + "],\"bias\":[" + Array(repeating: bias, count: hidden).joined(separator: ",") + "]}"
        let last = "{\"weight\":[[" + Array(repeating: "0.5", count: hidden).joined(separator: ",") + "]],\"bias\":[0.2]}"
        return "{\"kind\":\"mlp\",\"layers\":[\(first),\(last)]}"
    }

    @Test func malformedMLPFilesAreErrorsNamingTheField() throws {
        #expect(throws: Never.self) { _ = try MLPAccuracyPredictor(contentsOf: try Self.temporaryFile("ok.json", Self.mlpJSON())) }
        let cases: [(String, String)] = [
            (#"{"layers":[null,null]}"#, "layers[0] must be a {weight, bias} object"),
            (Self.mlpJSON(weight: "NaN"), "'NaN' is not a JSON value"),
            (Self.mlpJSON(bias: "1e39"), "layers[0].bias[0] is not a finite 32-bit number"),
            (Self.mlpJSON(weight: "1e400"), "layers[0].weight[0][0] is not a finite 32-bit number"),
        ]
        for (i, (text, message)) in cases.enumerated() {
            let path = try Self.temporaryFile("bad-\(i).json", text)
            #expect { _ = try MLPAccuracyPredictor(contentsOf: path) } throws: { error in
                "\(error)".contains(path) && "\(error)".contains(message)
            }
        }
    }

    /// A predictor whose outputs cannot be right stops the search with its name and the subnet.
    @Test func implausiblePredictionsStopTheSearch() throws {
        struct Broken: AccuracyPredictor {
            let name = "broken-model"
            let value: Double
            func predictAccuracy(_ archs: [Architecture]) throws -> [Double] { archs.map { _ in value } }
        }
        struct BrokenCost: EfficiencyPredictor {
            let name = "broken-table"
            let metric = EfficiencyMetric.latency
            let value: Double
            func predictEfficiency(_ archs: [Architecture]) throws -> [Double] { archs.map { _ in value } }
        }
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        for bad in [1.69e35, -5, .nan, .infinity] {
            let problem = SearchProblem(space: space, accuracy: Broken(value: bad), efficiency: FakeCost(), budget: 30)
            #expect { _ = try EvolutionarySearch(population: 10, generations: 2).search(problem, seed: 1) } throws: { error in
                guard case let .implausible(predictor, quantity, _, arch, _)? = error as? PredictorError else { return false }
                return predictor == "broken-model" && quantity == "accuracy" && arch.hasPrefix("r")
            }
        }
        for bad in [1e300, 0, -1, .nan] {
            let problem = SearchProblem(space: space, accuracy: FakeAccuracy(), efficiency: BrokenCost(value: bad), budget: 30)
            #expect { _ = try RandomSearch(samples: 10).search(problem, seed: 1) } throws: { error in
                guard case let .implausible(predictor, quantity, _, _, _)? = error as? PredictorError else { return false }
                return predictor == "broken-table" && quantity == "latency_ms"
            }
        }
    }

    /// Both table readers (search's and `lut validate`'s) bound their entries alike.
    @Test func profiledTableEntriesAreBoundedToo() throws {
        let path = try Self.temporaryFile("128_lookup_table.yaml", "Conv-input:128x128x3-output:64x64x16:\n  count: 3\n  mean: 1e300\n  std: 0.1\n")
        #expect { _ = try ProfiledLatencyTable(contentsOf: path) } throws: { "\($0)".contains(":1: ") && "\($0)".contains("mean must be a latency in 0...10000 ms") }
    }

    @Test func latencyTableEntriesAreBounded() throws {
        for bad in ["1e300", "-1", ".nan", "20000"] {
            #expect {
                _ = try LatencyLookupFile(parsing: "Conv-input:224x224x3-output:112x112x24:\n  count: 1\n  mean: \(bad)\n", path: "t.yaml")
            } throws: { error in "\(error)".hasPrefix("t.yaml:3: ") }
        }
    }

    // MARK: XGBoost models

    static func copyOfCommittedModel(_ name: String) throws -> String {
        // Parameterized cases run in parallel in one process: the name must differ per call.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-model-\(name)-\(UUID().uuidString)").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.copyItem(atPath: TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1", toPath: dir)
        return dir
    }

    @Test func corruptModelFileIsRefusedByItsChecksum() throws {
        let dir = try Self.copyOfCommittedModel("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        #expect(throws: Never.self) { _ = try XGBoostAccuracyPredictor(directory: dir, space: space) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.ubj"))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: dir + "/model.ubj"))
        #expect { _ = try XGBoostAccuracyPredictor(directory: dir, space: space) } throws: { error in
            "\(error)".contains("model.ubj") && "\(error)".contains("sha256") && "\(error)".contains("corrupt")
        }
    }

    /// A damaged tree whose file carries an updated checksum made XGBoost read out of bounds.
    @Test func damagedTreesAreRefusedEvenWithAnUpdatedChecksum() throws {
        let dir = try Self.copyOfCommittedModel("trees")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let booster = try Booster(contentsOf: dir + "/model.ubj")
        var json = String(decoding: try booster.serialized(.json), as: UTF8.self)
        // The first tree's root splits on feature 10⁷ (of 68).
        let key = #""split_indices":["#
        let start = try #require(json.range(of: key))
        let end = try #require(json[start.upperBound...].firstIndex(of: ","))
        json.replaceSubrange(start.upperBound..<end, with: "10000000")
        let damaged = try Booster(modelData: Data(json.utf8))
        try FileManager.default.removeItem(atPath: dir + "/model.ubj")
        _ = try XGBoostModel.write(booster: damaged, provenance: try XGBoostModel(directory: TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1").provenance, to: dir)
        #expect { _ = try XGBoostModel(directory: dir) } throws: { error in
            "\(error)".contains("the model file is damaged") && "\(error)".contains("splits on feature 10000000; the model has 68")
        }
    }

    /// A UBJSON file whose lengths run past its end (XGBoost's reader crashed in memmove).
    @Test func truncatedOrInconsistentModelFilesAreRefusedBeforeXGBoostReadsThem() throws {
        let good = try Data(contentsOf: URL(fileURLWithPath: TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1/model.ubj"))
        #expect(throws: Never.self) { _ = try ModelDocument(ubjson: good) }
        #expect { _ = try ModelDocument(ubjson: good.prefix(good.count / 2)) } throws: { "\($0)".contains("past the end") || "\($0)".contains("end of file") || "\($0)".contains("cannot fit") }
        var long = good
        // The first key's length (an int64 after "{L") made huge.
        long[2] = 0x7F
        #expect { _ = try ModelDocument(ubjson: long) } throws: { "\($0)".contains("cannot fit") }
        // Items that take no bytes would let a count stand for any amount of work.
        let nulls = Data("[[$Z#l".utf8) + Data([0x00, 0x00, 0x00, 0x03]) + Data("]".utf8)
        #expect { _ = try ModelDocument(ubjson: nulls) } throws: { "\($0)".contains("a container typed 'Z'") }
    }

    @Test func libraryMessagesAndQuotedInputStayOneReadableLine() {
        #expect(XGBoostLibrary.firstLine("[16:19:15] ./src/common/json.cc:407: Expecting: \"L\", got: \"{\"\nStack trace:\n  [bt] (0)") == "Expecting: \"L\", got: \"{\"")
        #expect(XGBoostLibrary.firstLine("plain message") == "plain message")
        #expect("a\u{0}b\u{1b}[2Jc".printable == "a\\u{0}b\\u{1b}[2Jc")
    }

    @Test(arguments: ["-40.0", "1e306", "\"nan\""])
    func tamperedTargetTransformIsRefused(offset: String) throws {
        let dir = try Self.copyOfCommittedModel("offset")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/provenance.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let tampered = text.replacingOccurrences(of: #""160" : 72.47629714285716"#, with: #""160" : \#(offset)"#)
        #expect(tampered != text)
        try tampered.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try XGBoostModel(directory: dir) } throws: { error in
            "\(error)".contains("target_transform does not match its target_transform_sha256")
        }
    }

    /// An offset edited to a plausible value (40 for 75) is caught by the transform's checksum;
    /// an impossible one with its checksum updated, by the range check.
    @Test func plausiblyTamperedOffsetsAreCaughtByTheirChecksum() throws {
        let dir = try Self.copyOfCommittedModel("offset-plausible")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/provenance.json"
        var provenance = try XGBoostProvenance.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        provenance.targetTransform.resolutionOffsets["224"] = 40
        try provenance.encoded().write(to: URL(fileURLWithPath: path))
        #expect { _ = try XGBoostModel(directory: dir) } throws: { "\($0)".contains("offsets were edited") }
        provenance.targetTransform.resolutionOffsets["224"] = -40
        provenance.targetTransformSHA256 = provenance.targetTransform.checksum
        try provenance.encoded().write(to: URL(fileURLWithPath: path))
        #expect { _ = try XGBoostModel(directory: dir) } throws: { "\($0)".contains("target_transform.resolution_offsets.224 is -40.0") }
    }

    // MARK: Measurement data

    @Test(.enabled(if: executable != nil, skipReason))
    func trainingDataOutsideTheSpaceOrRangeNamesFileAndLine() throws {
        let good = Self.arch.replacingOccurrences(of: "}", with: #","top1":70.5}"#)
        for (i, (bad, message)) in [
            (good.replacingOccurrences(of: #""r":224"#, with: #""r":124"#), "field 'r' = 124 is not allowed in ofa-mbv3-w1.0"),
            (good.replacingOccurrences(of: #""r":224"#, with: #""r":4000"#), "field 'r' = 4000 is not allowed"),
            (good.replacingOccurrences(of: "70.5", with: "101"), "key 'top1' = 101.0 is not a plausible top-1 in %"),
            (good.replacingOccurrences(of: "70.5", with: "null"), "key 'top1' must be a value, not null"),
        ].enumerated() {
            let data = try Self.temporaryFile("train-\(i).jsonl", good + "\n" + good + "\n" + bad + "\n")
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("never-written-\(getpid())-\(i)").path
            try Self.expectOneLineError(["predictor", "train", "--kind", "accuracy", "--space", "ofa-mbv3-w1.0", "--data", data, "--out", out, "--quick"],
                                        contains: ["\(data):3: ", message])
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    /// τ of one row does not exist: it is left out, never printed as null or nan.
    @Test(.enabled(if: executable != nil, skipReason))
    func undefinedMetricsAreLeftOut() throws {
        let model = TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1"
        let data = try Self.temporaryFile("one-row.jsonl", Self.arch.replacingOccurrences(of: "}", with: #","top1":70.5}"#) + "\n")
        let (status, out, err) = try Executable.ofasearch(["predictor", "eval", "--model", model, "--data", data, "--json"])
        #expect(status == 0, "\(err)")
        #expect(!out.contains("null") && !out.contains("kendall_tau") && out.contains(#""rmse":"#))
        let (textStatus, text, _) = try Executable.ofasearch(["predictor", "eval", "--model", model, "--data", data])
        #expect(textStatus == 0 && !text.contains("nan") && text.contains("kendall_tau n/a"))
        #expect(JSONValue.object([("a", .double(.nan)), ("b", .array([.object([("c", .double(.infinity)), ("d", .int(1))])]))])
                    .omittingUndefinedNumbers.rendered() == #"{"b":[{"d":1}]}"#)
    }

    /// A line of invisible non-JSON whitespace (U+200B) is an error naming its line, not a crash
    /// or a silently shifted line number.
    @Test(.enabled(if: executable != nil, skipReason))
    func invisibleCharactersAreNotBlankLines() throws {
        let model = TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1"
        let good = Self.arch.replacingOccurrences(of: "}", with: #","top1":70.5}"#)
        let data = try Self.temporaryFile("zero-width.jsonl", good + "\n\u{200B}\n" + good + "\n")
        try Self.expectOneLineError(["predictor", "eval", "--model", model, "--data", data], contains: ["\(data):2: "])
        try Self.expectOneLineError(["predict", "--space", "ofa-mbv3-w1.2", "--macs"], stdin: Self.arch + "\n \u{200B}\n", contains: ["stdin:2: "])
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func namedPipesAndEndlessStdinAreHandled() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofasearch-fifo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/mlp"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat > \(fifo)"]
        let pipe = Pipe()
        writer.standardInput = pipe
        try writer.run()
        pipe.fileHandleForWriting.write(Data(Self.mlpJSON().utf8))
        try pipe.fileHandleForWriting.close()
        let (status, out, err) = try Executable.ofasearch(["predict", "--space", "ofa-mbv3-w1.2", "--accuracy", fifo], stdin: Self.arch)
        writer.waitUntilExit()
        #expect(status == 0 && out.contains(#""accuracy":"#), "\(err)")
        // /dev/zero as standard input: refused after a megabyte, not read without end.
        let start = Date()
        let zero = Process()
        zero.executableURL = URL(fileURLWithPath: try #require(Self.executable))
        zero.arguments = ["predict", "--space", "ofa-mbv3-w1.2", "--macs"]
        zero.standardInput = FileHandle(forReadingAtPath: "/dev/zero")
        let errors = Pipe()
        zero.standardError = errors
        zero.standardOutput = Pipe()
        try zero.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        zero.waitUntilExit()
        #expect(zero.terminationStatus == 1 && message.contains("stdin:1: a line longer than 1 MiB"))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func evaluationDataNamesFileAndLineNotTheModel() throws {
        let model = TestData.packageRoot + "/predictors/ofa-mbv3-w1.0-top1"
        let good = Self.arch.replacingOccurrences(of: "}", with: #","top1":70.5}"#)
        for (i, (bad, message)) in [
            (good.replacingOccurrences(of: "70.5", with: "-1"), "key 'top1' = -1.0 is not a plausible top-1 in %"),
            (good.replacingOccurrences(of: "70.5", with: "1e300"), "is not a plausible top-1 in %"),
            (good.replacingOccurrences(of: #""e":[3,"#, with: #""e":[5,"#), "field 'e[0]' = 5 is not allowed in ofa-mbv3-w1.0"),
            // Out of the model's resolution range: the model refuses, the row is named.
            (good.replacingOccurrences(of: #""r":224"#, with: #""r":124"#), "resolution"),
        ].enumerated() {
            let data = try Self.temporaryFile("eval-\(i).jsonl", good + "\n\n" + bad + "\n")
            try Self.expectOneLineError(["predictor", "eval", "--model", model, "--data", data, "--json"], contains: ["\(data):3: ", message])
        }
        try Self.expectOneLineError(["predictor", "eval", "--model", model, "--data", "/dev/zero"], contains: ["/dev/zero", "device"])
    }
}

/// `search` and `predict` say when a latency table was profiled on another CPU (once, stderr).
@Suite struct ForeignTableWarningTests {
    @Test(.enabled(if: Executable.ofasearch != nil, Executable.skipReason))
    func predictWarnsOnceAboutATableFromAnotherCPU() throws {
        let table = TestData.packageRoot + "/predictors/cpu-lut-w1.0"
        let (status, out, err) = try Executable.ofasearch(["predict", "--space", "ofa-mbv3-w1.0", "--latency", table],
                                                             stdin: InputHardeningTests.arch + "\n" + InputHardeningTests.arch + "\n")
        #expect(status == 0 && out.split(separator: "\n").count == 2)
        let foreign = ProfiledLatencyTable.foreignOrigin(path: table) != nil
        #expect(err.split(separator: "\n").count == (foreign ? 1 : 0), "\(err)")
        if foreign { #expect(err.hasPrefix("warning: latency table") && err.contains("was profiled on another CPU")) }
    }
}

/// The built executable with a pipe held open on its standard input: lines are sent one at a
/// time and its standard output read as it answers.
final class PipedProcess {
    let process = Process()
    let input = Pipe(), output = Pipe()
    private var received = Data()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit { if process.isRunning { process.terminate() } }

    func send(_ text: String) { input.fileHandleForWriting.write(Data((text + "\n").utf8)) }

    /// The lines answered so far, waiting up to 20 s for at least `n`.
    func lines(atLeast n: Int) -> [String] {
        let deadline = Date().addingTimeInterval(20)
        let reader = output.fileHandleForReading
        while received.split(separator: 0x0A).count < n, Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        return received.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Closes standard input and waits for the exit status.
    func finish() throws -> Int32 {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

