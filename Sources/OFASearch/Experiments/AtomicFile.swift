import Foundation

/// Writes files so a reader (or a resumed run) never sees a partial one: the text goes to a
/// temporary file in the same folder, is flushed to disk, then renamed over the target.
///
/// ```swift
/// try AtomicFile.write("{...}\n", to: "out/runs/abc.jsonl")
/// ```
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw AtomicFileError(path: path, reason: "cannot create its folder: \((error as NSError).localizedDescription)")
        }
        // Process and thread make the name unique among concurrent writers of the same folder.
        let temp = path + ".tmp-\(getpid())-\(pthread_self())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: temp, reason: String(cString: strerror(errno))) }
        var ok = true
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        let reason = ok ? nil : String(cString: strerror(errno))
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok else {
            unlink(temp)
            throw AtomicFileError(path: path, reason: reason ?? "fsync failed")
        }
        guard rename(temp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw AtomicFileError(path: path, reason: why)
        }
    }
}

/// A file that could not be written.
public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}
