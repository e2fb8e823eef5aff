import Testing
@testable import OFAPredictors

/// `predictor eval`'s per-resolution MAE (issue 16).
struct RegressionReportMAETests {
    @Test func perResolutionMAEInTheReportAndItsJSON() {
        let report = RegressionReport(predicted: [1, 2, 3, 5], measured: [1, 3, 2, 4], resolutions: [128, 128, 224, 224], relativeShares: false)
        #expect(report.perResolution[128]?.mae == 0.5)
        #expect(report.perResolution[224]?.mae == 1)
        #expect(report.json.rendered().contains(#""128":{"count":2,"rmse":0.70711,"mae":0.5,"kendall_tau":1}"#))
    }
}
