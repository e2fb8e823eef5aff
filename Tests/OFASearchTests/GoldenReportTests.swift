import Foundation
import Testing
@testable import OFACore
@testable import OFAExperiments

/// `report.md` of a small fixed experiment (fake predictors and search), byte for byte against
/// a committed copy. Run times are set to fixed values first (they differ between any two runs)
/// and the fingerprint is masked (it covers the temporary folder's paths). Refresh the copy
/// after an intended change with `OFASEARCH_UPDATE_GOLDEN=1 swift test --filter GoldenReportTests`.
@Suite struct GoldenReportTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/report.md").path

    static func masked(_ text: String) -> String {
        text.replacingOccurrences(of: #"fingerprint `[0-9a-f]+`"#, with: "fingerprint `…`", options: .regularExpression)
    }

    @Test func reportOfAFixedExperimentIsUnchanged() throws {
        let (_, measured) = try ReportTests().experiment()
        // Fixed times that differ by run, so the time columns and speedups still say something.
        // Records come in the order runs finished (two jobs): sort them first.
        var records = measured.records.sorted { a, b in a.index != b.index ? a.index < b.index : a.target < b.target }
        for i in records.indices {
            records[i].seconds = 0.25 + Double(i % 4) * 0.125
            records[i].runSeconds = 0.5 + Double(i % 3) * 0.25
        }
        let report = ExperimentReport(index: measured.index, records: records, fronts: measured.fronts, missing: measured.missing)
        let md = Self.masked(MarkdownReport.render(report, plots: ["plots/main-best-so-far.svg"]))
        if ProcessInfo.processInfo.environment["OFASEARCH_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(atPath: (Self.golden as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try md.write(toFile: Self.golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: Self.golden, encoding: .utf8)
        #expect(md == expected)
    }
}
