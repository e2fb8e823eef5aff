import Foundation
import Synchronization

/// Writes files so a reader (or a resumed run) never sees a partial one: the text goes to a
/// temporary file in the same folder, is flushed to disk, then renamed over the target.
///
/// ```swift
/// try AtomicFile.write("{...}\n", to: "out/runs/abc.jsonl")
/// let wrote = try AtomicFile.writeIfChanged("{...}\n", to: "out/plan.json")   // false: already so
/// ```
public enum AtomicFile {
    /// Numbers the temporary files of this process (unique among its threads, and short: the
    /// temporary name must fit the 255-byte file-name limit as well as the target's).
    private static let counter = Atomic<Int>(0)

    public static func write(_ text: String, to path: String) throws(AtomicFileError) {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do { try FileSystem.makeDirectory(dir) } catch {
            throw AtomicFileError(path: path, reason: "cannot create its folder \(dir): \(error.reason)")
        }
        // Process and counter make the name unique among concurrent writers of the same folder.
        let n = counter.add(1, ordering: .relaxed).newValue
        let temp = path + ".tmp-\(getpid())-\(n)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        // Name the target, not the temporary: that is the file the user asked for.
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: FileSystem.reason(errno: errno)) }
        var failure: Int32 = 0
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : ENOSPC; return }
                offset += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(temp)
            throw AtomicFileError(path: path, reason: FileSystem.reason(errno: failure))
        }
        guard rename(temp, path) == 0 else {
            let why = FileSystem.reason(errno: errno)
            unlink(temp)
            throw AtomicFileError(path: path, reason: why)
        }
    }

    /// Writes `text` unless `path` already holds exactly it; returns whether it wrote. A finished
    /// experiment resumed in a read-only folder has nothing to write, and so does not fail.
    @discardableResult
    public static func writeIfChanged(_ text: String, to path: String) throws(AtomicFileError) -> Bool {
        if FileSystem.isRegularFile(path), let old = FileManager.default.contents(atPath: path), old.elementsEqual(text.utf8) {
            return false
        }
        try write(text, to: path)
        return true
    }
}

/// A file that could not be written.
public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}
