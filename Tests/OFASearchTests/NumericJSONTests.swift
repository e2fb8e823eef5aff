import Foundation
import Testing
@testable import OFACore
@testable import OFAExperiments

/// The numeric JSON reader behind the MLP loader: the same numbers as json-c (strtod), bit for
/// bit, and the grammar refused with a position.
@Suite struct NumericJSONTests {
    @Test func numbersEqualStrtodBitForBit() throws {
        var rng = SeededGenerator(seed: 3)
        var tokens = ["0", "-0", "1", "-1", "0.1", "0.2", "0.3", "1e22", "1e23", "9007199254740993", "123456789012345678901234",
                      "5e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "1e400", "-1e-400", "0.000001", "1E+2",
                      "3.14159265358979323846", "-0.06205279", "0.083047718", "4.9406564584124654e-324", "1e-22", "1.5e-23"]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...17, using: &rng)
            var t = Int.random(in: 0...1, using: &rng) == 0 ? "-" : ""
            t += String(Int.random(in: 1...9, using: &rng))
            for _ in 1..<digits { t += String(Int.random(in: 0...9, using: &rng)) }
            let point = Int.random(in: 0...digits, using: &rng)
            if point < digits { t.insert(".", at: t.index(t.endIndex, offsetBy: -(digits - point))) }
            if t.hasSuffix(".") { t += "0" }
            if t.hasPrefix(".") || t.hasPrefix("-.") { t = t.replacingOccurrences(of: ".", with: "0.") }
            if Int.random(in: 0...3, using: &rng) == 0 { t += "e\(Int.random(in: -30...30, using: &rng))" }
            tokens.append(t)
        }
        let doc = try NumericJSON(parsing: "[" + tokens.joined(separator: ",") + "]")
        let values = try #require(doc.numbers)
        #expect(values.count == tokens.count)
        for (t, v) in zip(tokens, values) {
            let reference = strtod(t, nil)
            #expect(v.bitPattern == reference.bitPattern, "\(t): \(v) vs strtod \(reference)")
        }
    }

    @Test func structureAndAccessors() throws {
        let doc = try NumericJSON(parsing: #" {"kind": "mlp", "esc": "a\"b\u00e9", "layers": [{"w": [[1, 2], [3, 4.5]], "b": []}, null, true], "x": -2e3} "#)
        #expect(doc["kind"]?.string == "mlp")
        #expect(doc["esc"]?.string == "a\"bé")
        #expect(doc["x"].map { if case let .number(v) = $0 { v == -2000 } else { false } } == true)
        let layers = try #require(doc["layers"]?.elements)
        #expect(layers.count == 3)
        #expect(layers[0]["w"]?.elements?.map { $0.numbers } == [[1, 2], [3, 4.5]])
        #expect(layers[0]["b"]?.numbers == [])
        // A list mixing numbers and other values keeps every element.
        #expect(try NumericJSON(parsing: "[1, null, 2]").elements?.count == 3)
        #expect(try NumericJSON(parsing: "[1, null, 2]").numbers == nil)
    }

    @Test(arguments: [
        ("[1 2]", "expected ',' or ']'"), (#"{"a" 1}"#, "expected ':'"), ("[1,", "unexpected end"), (#"{"a": 1"#, "unexpected end"),
        ("[1] 2", "unexpected content after the JSON value"), ("[truth]", "'truth' is not a JSON value"), ("{1: 2}", "expected a key in quotes"),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nested deeper than 64"),
        ("[NaN]", "NaN and Infinity are not JSON"), ("[01]", "leading zero"),
    ])
    func badTextIsRefusedWithAPosition(text: String, expected: String) {
        do {
            _ = try NumericJSON(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(text): \(error)")
        }
    }
}
