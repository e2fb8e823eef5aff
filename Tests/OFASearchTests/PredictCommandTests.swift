import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAExperiments
import OFATestSupport

/// `ofasearch predict` end to end: runs the built executable (next to the test bundle).
@Suite struct PredictCommandTests {
    static let executable = Executable.ofasearch
    static let skipReason = Executable.skipReason

    static let tutorial = #"{"ks":[5,3,7,7,5,3,7,7,7,7,3,3,5,5,7,3,3,3,5,5],"e":[3,3,6,6,4,4,4,4,6,3,4,4,4,4,4,3,6,6,6,6],"d":[2,2,3,4,3],"r":192}"#

    /// Runs `ofasearch predict ARGS` with `stdin`; returns (status, stdout, stderr).
    static func predict(_ args: [String], stdin: String) throws -> (Int32, String, String) {
        try Executable.ofasearch(["predict"] + args, stdin: stdin)
    }

    @Test(.enabled(if: executable != nil, skipReason))
    func macsForEveryLineInOrder() throws {
        let variants = [
            Self.tutorial,
            Self.tutorial.replacingOccurrences(of: #""r":192"#, with: #""r":[192],"wid":null"#),
            Self.tutorial.replacingOccurrences(of: #""r":192"#, with: #""image_size":224"#),
        ]
        let (status, out, err) = try Self.predict(["--space", "ofa-mbv3-w1.2", "--macs", "--params"],
                                                  stdin: variants.joined(separator: "\n") + "\n\n")
        #expect(status == 0 && err.isEmpty)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 3)
        // Canonical lists: unit 0 has depth 2, so blocks 2 and 3 repeat block 1.
        #expect(lines[0].hasPrefix(#"{"ks":[5,3,3,3,5,3,3,3,7,7,3,3,5,5,7,3,3,3,5,5],"#))
        #expect(lines[0] == lines[1])
        #expect(lines[2].contains(#""r":224,"#))
        let arch = try Architecture(json: JSONCObject(parsing: String(lines[0])))
        let counter = MACsPredictor(width: .w1_2)
        #expect(lines[0].hasSuffix(#""macs":\#(counter.macs(of: arch)),"params":\#(counter.parameters(of: arch))}"#))
    }

    @Test(.enabled(if: executable != nil && TestData.available, "needs the ofasearch executable and ../shared/ofa-data"))
    func goldenThroughTheCLI() throws {
        let (status, out, _) = try Self.predict(["--space", "ofa-mbv3-w1.2",
                                                 "--accuracy", TestData.path("predictors/ofa-tutorial-mlp-w1.2.json"),
                                                 "--latency", TestData.path("latency/note10")], stdin: Self.tutorial)
        #expect(status == 0)
        let obj = try JSONCObject(parsing: out.trimmingCharacters(in: .newlines))
        #expect(abs(try obj.double("accuracy") - 0.817129) < 1e-5)
        #expect(abs(try obj.double("latency_ms") - 24.730167) < 1e-4)
        #expect(obj["macs"] == nil)
    }

    /// Each bad input: exit status 1, nothing on stdout, one error line naming line/field/key/file.
    @Test(.enabled(if: executable != nil, skipReason), arguments: [
        (["--macs"], Self.tutorial + "\n{\"ks\": oops}", "stdin:2: malformed JSON"),
        (["--macs"], Self.tutorial + " trailing", "stdin:1: malformed JSON: column 120: 'trailing' is not a JSON value"),
        (["--macs"], Self.tutorial + " {}", "stdin:1: malformed JSON: unexpected content after the JSON value"),
        (["--macs"], Self.tutorial.replacingOccurrences(of: #""r":192"#, with: #""r":100"#), "stdin:1: field 'r' = 100 is not allowed in ofa-mbv3-w1.2"),
        (["--macs"], Self.tutorial.replacingOccurrences(of: #""ks":[5,"#, with: #""ks":[9,"#), "stdin:1: field 'ks[0]' = 9 is not allowed"),
        (["--macs"], Self.tutorial.replacingOccurrences(of: #""ks":[5,"#, with: #""ks":["#), "stdin:1: field 'ks' must have 20 entries, got 19"),
        (["--macs"], Self.tutorial.replacingOccurrences(of: #""d":[2,2,3,4,3]"#, with: #""d":[2,2,3,4]"#), "stdin:1: field 'd' must have 5 entries, got 4"),
        (["--macs"], Self.tutorial.replacingOccurrences(of: #","r":192"#, with: ""), "stdin:1: missing key 'r'"),
        (["--macs"], "[1, 2]", "stdin:1: expected a JSON object"),
        (["--accuracy", "/nonexistent/mlp.json"], Self.tutorial, "cannot read predictor /nonexistent/mlp.json"),
        (["--latency", "/nonexistent/lut"], Self.tutorial, "cannot read predictor /nonexistent/lut"),
        ([], Self.tutorial, "nothing to predict"),
        (["--macs", "--resolutions", "160,100"], Self.tutorial, "resolutions [100] are not in ofa-mbv3-w1.2"),
    ])
    func badInputGivesOneErrorLine(args: [String], stdin: String, message: String) throws {
        let (status, out, err) = try Self.predict(["--space", "ofa-mbv3-w1.2"] + args, stdin: stdin)
        #expect(status == 1)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("ofasearch predict: error: "), "\(err)")
        #expect(err.contains(message), "\(err)")
        #expect(err.split(separator: "\n").count == 1, "\(err)")
    }

    @Test(.enabled(if: executable != nil && TestData.available, "needs the ofasearch executable and ../shared/ofa-data"))
    func missingLUTKeyNamesKeyAndFile() throws {
        let (status, _, err) = try Self.predict(["--space", "ofa-mbv3-w1.0", "--resolutions", "192",
                                                 "--latency", TestData.path("latency/note10")], stdin: Self.tutorial)
        #expect(status == 1)
        #expect(err.contains("192_lookup_table.yaml has no entry 'Conv-input:192x192x3-output:96x96x16'"), "\(err)")
    }

    @Test func jsonLinesRefuseTrailingContentAndAcceptCRLF() throws {
        #expect(throws: JSONInputError.malformed("unexpected content after the JSON value")) {
            try JSONCObject(parsing: #"{"a": 1} {"a": 2}"#)
        }
        #expect(try JSONCObject(parsing: " 42 \n").intValue == 42)
        let rows = try JSONLines.parse("{\"a\":1}\r\n\r\n{\"a\":2}\r\n", source: "crlf") { try $0.int("a") }
        #expect(rows == [1, 2])
    }
}
