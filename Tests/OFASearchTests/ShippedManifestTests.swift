import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAExperiments
import OFATestSupport

/// The manifests under experiments/ validate as shipped: the quickstart without ../shared, the
/// others with it, and those needing it fail clearly when it is absent.
@Suite("Shipped manifests")
struct ShippedManifestTests {
    static let experiments = TestData.packageRoot + "/experiments"

    func loader(shared: SharedData?) -> ManifestLoader {
        ManifestLoader(predictors: TableForMeasured(),
                       paths: ManifestPaths(manifestDirectory: Self.experiments, projectRoot: TestData.packageRoot, shared: .some(shared)))
    }

    @Test func quickstartValidatesWithoutSharedData() throws {
        let m = try loader(shared: nil).load(path: Self.experiments + "/quickstart.yaml")
        #expect(m.parts.map(\.name) == ["macs", "cpu-latency"])
        let plan = RunPlan(manifest: m)
        // Per part: OFA evolutionary × 4 targets, CompOFA evolutionary × 4, CompOFA exhaustive × 1.
        #expect(plan.runs.count == 18)
    }

    @Test func manifestsNeedingSharedDataNameTheMissingFiles() {
        for name in ["compofa-216x", "strategies-compofa", "multitarget-paper"] {
            do {
                _ = try loader(shared: nil).load(path: Self.experiments + "/\(name).yaml")
                Issue.record("\(name) validated without the shared data")
            } catch {
                #expect(error.issues.allSatisfy { $0.line > 0 && $0.message.contains("needs the shared data folder") }, "\(error)")
                #expect(error.issues.contains { $0.message.contains("'shared:latency/") })
            }
        }
    }

    @Test(.enabled(if: TestData.available, TestData.skipReason))
    func sharedManifestsValidateWithSharedData() throws {
        let counts = ["compofa-216x": 228, "strategies-compofa": 210, "multitarget-paper": 360]
        for (name, runs) in counts {
            let m = try loader(shared: TestData.shared).load(path: Self.experiments + "/\(name).yaml")
            #expect(RunPlan(manifest: m).runs.count == runs, "\(name)")
        }
    }
}
