import Foundation

/// An exclusive lock on an output folder, held while `run` or `merge` writes into it: a second
/// writer fails at once, naming the holder's pid.
///
/// It is a `flock` on `DIR/.lock`, which holds the holder's pid. The kernel releases a `flock`
/// when its holder dies, so a lock left by a killed process never blocks the next run; the file
/// itself stays (removing it would let two processes lock two different files of one name).
///
/// In a folder where the lock file can be neither created nor opened (a read-only folder or file
/// system), no lock is taken: nobody can write there either, and a resume that has nothing to
/// write must still work.
///
/// ```swift
/// let lock = try OutputLock.acquire(folder: "out/quickstart")   // released when `lock` goes away
/// ```
public final class OutputLock: Sendable {
    /// The lock file's name inside the folder.
    public static let fileName = ".lock"

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }   // closing the last descriptor releases the flock

    /// Locks `folder` (which must exist), or returns nil when its lock file cannot be created or
    /// opened because the folder is not writable. Throws ``OutputLockError`` when another process
    /// holds the lock.
    public static func acquire(folder: String) throws -> OutputLock? {
        let path = folder + "/" + fileName
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        var writable = true
        if fd < 0 {
            let code = errno
            guard code == EROFS || code == EACCES || code == EPERM else {
                throw FileSystemError(action: "cannot create the lock file", path: path, reason: FileSystem.reason(errno: code))
            }
            // An existing lock file locks as well read-only (flock does not need write access).
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { return nil }
            writable = false
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let holder = Self.holder(fd)
            close(fd)
            if code == EWOULDBLOCK {
                throw OutputLockError(folder: folder, lockFile: path, pid: holder)
            }
            throw FileSystemError(action: "cannot lock", path: path, reason: FileSystem.reason(errno: code))
        }
        if writable {
            // Who holds it, for the message of the next one who tries.
            let text = Array("\(getpid())\n".utf8)
            _ = ftruncate(fd, 0)
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return OutputLock(path: path, descriptor: fd)
    }

    /// The pid written in the lock file, if any.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Another process holds an output folder's lock.
public struct OutputLockError: Error, Sendable, CustomStringConvertible {
    public var folder: String
    public var lockFile: String
    /// The holder's pid, as its lock file records it.
    public var pid: Int32?

    public var description: String {
        let who = pid.map { "another ofasearch process (pid \($0))" } ?? "another ofasearch process"
        return "\(folder) is in use by \(who), which holds \(lockFile); wait for it to finish or choose another --out"
    }
}
