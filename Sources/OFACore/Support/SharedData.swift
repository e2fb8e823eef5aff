import Foundation

/// Locates the shared data folder (`../shared/ofa-data` beside the project), which holds the
/// real measurements, look-up tables and OFA's published predictor. Never copied into the project.
///
/// Looked up, in order: `$OFA_DATA`, then `shared/ofa-data` in the parent of the current
/// directory or of any of its ancestors.
///
/// ```swift
/// if let data = SharedData.locate() { print(data.path("latency/note10")) }
/// ```
public struct SharedData: Sendable {
    public let root: String

    public static func locate(from start: String = FileManager.default.currentDirectoryPath) -> SharedData? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["OFA_DATA"], !env.isEmpty {
            return fm.fileExists(atPath: env) ? SharedData(root: env) : nil
        }
        var dir = URL(fileURLWithPath: start).standardizedFileURL
        for _ in 0..<8 {
            let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/ofa-data").path
            if fm.fileExists(atPath: candidate + "/README.md") { return SharedData(root: candidate) }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return nil
    }

    /// Absolute path of a file inside the data folder.
    public func path(_ relative: String) -> String { root + "/" + relative }
}
