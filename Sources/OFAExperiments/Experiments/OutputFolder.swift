import Foundation
import OFACore

/// Checks on an output folder's path made before anything is written.
public enum OutputFolder {
    /// Refuses an empty path and the file-system root (which `run` would fill with its files).
    public static func check(_ path: String) throws(RunnerError) {
        if path.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .output("the output folder is empty ('\(path)'); give --out a folder, e.g. --out out/my-experiment")
        }
        if FileSystem.isRoot(path) {
            throw .output("the output folder '\(path)' is the file-system root; give --out a folder of its own, e.g. --out out/my-experiment")
        }
    }
}
