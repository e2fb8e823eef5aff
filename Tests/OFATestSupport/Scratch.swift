import Foundation

/// A scratch folder removed when the test ends.
package final class TempFolder {
    package let path: String
    package init() {
        path = NSTemporaryDirectory() + "ofasearch-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    package func write(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    package func read(_ name: String) -> String {
        (try? String(contentsOfFile: path + "/" + name, encoding: .utf8)) ?? ""
    }
}

/// `runs.jsonl` without its two timing fields, for comparing runs.
package func withoutTimings(_ text: String) -> String {
    text.replacing(/"(run_)?seconds":[-0-9.eE+]+,/, with: "")
}
