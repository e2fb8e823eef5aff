import Foundation
import Testing
@testable import OFACore
@testable import OFAExperiments

@Suite struct ArchitectureTests {
    static let ks = [5, 7, 3, 3, 5, 5, 7, 7, 3, 3, 5, 7, 7, 7, 3, 5, 5, 5, 7, 3]
    static let e = [3, 4, 6, 6, 4, 4, 3, 6, 6, 6, 4, 3, 3, 4, 6, 6, 4, 3, 3, 6]

    @Test func skippedBlocksDoNotCount() throws {
        var ks2 = Self.ks, e2 = Self.e
        // Unit 0 has depth 2: blocks 2 and 3 are skipped, so changing them changes nothing.
        ks2[2] = 7; ks2[3] = 7; e2[3] = 3
        let a = try Architecture(ks: Self.ks, e: Self.e, d: [2, 3, 4, 2, 3], r: 192)
        let b = try Architecture(ks: ks2, e: e2, d: [2, 3, 4, 2, 3], r: 192)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        #expect(a.kernelSize(block: 2) == 0 && a.expandRatio(block: 3) == 0)
        // A change in an active block does count.
        ks2[0] = 3
        #expect(try Architecture(ks: ks2, e: e2, d: [2, 3, 4, 2, 3], r: 192) != a)
    }

    @Test func listsPadSkippedBlocksWithTheUnitsLastActiveBlock() throws {
        let a = try Architecture(ks: Self.ks, e: Self.e, d: [2, 3, 4, 2, 3], r: 192)
        #expect(Array(a.ks[0..<4]) == [5, 7, 7, 7])
        #expect(Array(a.e[0..<4]) == [3, 4, 4, 4])
        #expect(a.d == [2, 3, 4, 2, 3])
        // Round trip through the lists gives the same canonical value.
        #expect(try Architecture(ks: a.ks, e: a.e, d: a.d, r: a.resolution) == a)
    }

    @Test func shapeErrorsNameTheField() {
        #expect(throws: ArchitectureError.wrongLength(field: "ks", expected: 20, got: 19)) {
            try Architecture(ks: Array(Self.ks.dropLast()), e: Self.e, d: [2, 2, 2, 2, 2], r: 160)
        }
        #expect(throws: ArchitectureError.wrongLength(field: "d", expected: 5, got: 4)) {
            try Architecture(ks: Self.ks, e: Self.e, d: [2, 2, 2, 2], r: 160)
        }
        #expect(throws: ArchitectureError.invalidValue(field: "d[1]", value: 0, expected: "a depth in 1...4")) {
            try Architecture(ks: Self.ks, e: Self.e, d: [2, 0, 2, 2, 2], r: 160)
        }
    }

    @Test func jsonAcceptsOFAVariants() throws {
        let base = #""ks":\#(Self.ks),"e":\#(Self.e),"d":[4,4,4,4,4]"#
        let a = try Architecture(json: JSONCObject(parsing: "{\(base),\"r\":224}"))
        let b = try Architecture(json: JSONCObject(parsing: "{\(base),\"r\":[224],\"wid\":null}"))
        let c = try Architecture(json: JSONCObject(parsing: "{\(base),\"image_size\":224}"))
        #expect(a == b && b == c && a.resolution == 224)
        #expect(a.json.rendered() == "{\(base),\"r\":224}".replacingOccurrences(of: " ", with: ""))
        #expect(throws: JSONInputError.missingKey("r")) { try Architecture(json: JSONCObject(parsing: "{\(base)}")) }
        #expect(throws: JSONInputError.wrongType(key: "ks[3]", expected: "an integer")) {
            try Architecture(json: JSONCObject(parsing: #"{"ks":[3,3,3,"x",3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"e":[],"d":[],"r":1}"#))
        }
    }

    @Test func jsonLinesErrorsNameSourceAndLine() {
        let text = "{\"a\":1}\n\n{\"a\": oops}\n"
        #expect(throws: JSONInputError.self) { try JSONLines.parse(text, source: "x.jsonl") { try $0.int("a") } }
        do {
            _ = try JSONLines.parse(text, source: "x.jsonl") { try $0.int("a") }
        } catch {
            #expect(error.description.hasPrefix("x.jsonl:3: malformed JSON"))
        }
    }
}
