import Foundation

/// A file-system operation that failed, in one line: what was attempted, on which path, and the
/// system's reason in words (`cannot create the folder /ro/out: read-only file system`) — never
/// Foundation's `Error Domain=NSCocoaErrorDomain Code=...` dump.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    /// What was attempted, e.g. "cannot create the folder".
    public var action: String
    public var path: String
    /// The reason in words ("permission denied", "no space left on device").
    public var reason: String

    public init(action: String, path: String, reason: String) {
        self.action = action
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(action) \(path): \(reason)" }
}

/// Small POSIX helpers whose errors read as one line with `strerror`'s reason.
public enum FileSystem {
    /// `strerror(code)` with a lower-case first letter: "permission denied", "read-only file system".
    public static func reason(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        // strerror capitalises its first word only ("Permission denied"); keep acronyms as they are.
        let second = text.dropFirst().first
        if let second, second.isUppercase { return text }
        return first.lowercased() + text.dropFirst()
    }

    /// The reason of a Foundation error in words: the POSIX reason underneath it when there is
    /// one (Foundation wraps `EROFS` as `NSCocoaErrorDomain` 642), else its description on one line.
    public static func reason(of error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileWriteOutOfSpace: return reason(errno: ENOSPC)
            case .fileWriteVolumeReadOnly: return reason(errno: EROFS)
            case .fileWriteNoPermission, .fileReadNoPermission: return reason(errno: EACCES)
            case .fileNoSuchFile, .fileReadNoSuchFile: return reason(errno: ENOENT)
            default: break
            }
        }
        return ns.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Whether `path` is a regular file (a folder or a missing path is not).
    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `path` is a folder.
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `a` and `b` name the same existing file or folder (same device and inode).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Creates `path` and any missing parents (`mkdir -p`). An existing folder is left as it is —
    /// nothing is written — so a read-only folder that already exists is accepted.
    public static func makeDirectory(_ path: String) throws(FileSystemError) {
        if isDirectory(path) { return }
        let code = makeDirectories(path)
        if code != 0 { throw FileSystemError(action: "cannot create the folder", path: path, reason: reason(errno: code)) }
    }

    /// 0 or the errno of the first `mkdir` that failed.
    private static func makeDirectories(_ path: String) -> Int32 {
        if mkdir(path, 0o755) == 0 { return 0 }
        let code = errno
        switch code {
        case EEXIST:
            return isDirectory(path) ? 0 : ENOTDIR
        case ENOENT:
            let parent = (path as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != path else { return code }
            let parentCode = makeDirectories(parent)
            if parentCode != 0 { return parentCode }
            if mkdir(path, 0o755) == 0 || (errno == EEXIST && isDirectory(path)) { return 0 }
            return errno
        default:
            return code
        }
    }

    /// Whether `path` names the file-system root once `.`, `..` and symbolic links are resolved
    /// (`/`, `//`, `/tmp/..`, a link to `/`, or `.` in `/`).
    public static func isRoot(_ path: String) -> Bool {
        // The root always exists, so a path that resolves to it resolves with realpath.
        guard let resolved = realpath(path, nil) else { return false }
        defer { free(resolved) }
        return String(cString: resolved) == "/"
    }

    /// Removes a file or a folder with its contents; a missing path is not an error.
    public static func remove(_ path: String) throws(FileSystemError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw FileSystemError(action: "cannot remove", path: path, reason: reason(of: error))
        }
    }
}
