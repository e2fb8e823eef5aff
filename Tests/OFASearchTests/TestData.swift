import Foundation
import Testing
import OFASearch

/// The shared data for tests, located from this file's position (tests run from any directory).
enum TestData {
    static let shared: SharedData? = SharedData.locate(from: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/x")
    static var available: Bool { shared != nil }
    static let skipReason: Comment = "../shared/ofa-data is absent: skipping tests that need the real data"
    static func path(_ relative: String) -> String { shared!.path(relative) }
    /// Root of the package (for committed artefacts under predictors/ and experiments/).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
