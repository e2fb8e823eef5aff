import Foundation
import Testing
import OFACore

/// The shared data for tests, located from this file's position (tests run from any directory).
package enum TestData {
    package static let shared: SharedData? = SharedData.locate(from: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/x")
    package static var available: Bool { shared != nil }
    package static let skipReason: Comment = "../shared/ofa-data is absent: skipping tests that need the real data"
    package static func path(_ relative: String) -> String { shared!.path(relative) }
    /// Root of the package (for committed artefacts under predictors/ and experiments/).
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
