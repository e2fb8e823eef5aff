import Testing
@testable import OFACore
@testable import OFAExperiments
import OFATestSupport

/// Budgets are read one way by the command line (`--target 300M`) and by manifests (`300M`).
@Suite struct BudgetTextTests {
    @Test func suffixesAndRefusals() {
        #expect(BudgetText.value("300M") == 3e8)
        #expect(BudgetText.value("1.5g") == 1.5e9)
        #expect(BudgetText.value("250K") == 2.5e5)
        #expect(BudgetText.value(" 25 ") == 25)
        #expect(BudgetText.value("12.5") == 12.5)
        for bad in ["", "M", "-1", "0", "0M", "nan", "inf", "1e308G", "25ms", "fifteen"] {
            #expect(BudgetText.value(bad) == nil, "\(bad)")
        }
    }

    @Test(.enabled(if: Executable.ofasearch != nil, Executable.skipReason))
    func theCommandLineReadsManifestBudgets() throws {
        let (status, out, err) = try Executable.run(try #require(Executable.ofasearch), [
            "search", "--space", "compofa-elastic-mbv3-w1.0", "--resolutions", "160", "--accuracy",
            TestData.packageRoot + "/predictors/compofa-elastic-mbv3-w1.0-top1", "--macs", "--target", "250M",
            "--strategy", "random", "--samples", "50", "--json"])
        #expect(status == 0, "\(err)")
        #expect(out.contains(#""target": 250000000,"#), "\(out.prefix(400))")
    }
}
