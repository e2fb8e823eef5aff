import Foundation

/// Reads an input file whole, after checking that it is one: a directory, a device such as
/// `/dev/zero` (which never ends) or a socket is refused with a message naming the path, and so
/// is a file larger than any input ofasearch reads. Named pipes are read (process substitution,
/// `<(…)`, gives one).
///
/// ```swift
/// let data = try InputFile.read("predictors/ofa-mbv3-w1.0-top1/provenance.json")
/// ```
public enum InputFile {
    /// The largest input read: the biggest real one (OFA's MLP export) is under 5 MB.
    public static let maxBytes = 256 << 20

    public static func read(_ path: String) throws(InputFileError) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputFileError(path: path, reason: Self.describe(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard Int(info.st_size) <= maxBytes else {
                throw InputFileError(path: path, reason: "it is \(info.st_size >> 20) MiB, larger than any input ofasearch reads (\(maxBytes >> 20) MiB)")
            }
        case S_IFIFO: break
        case S_IFDIR: throw InputFileError(path: path, reason: "it is a directory, not a file")
        default: throw InputFileError(path: path, reason: "it is a device or socket, not a file")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw InputFileError(path: path, reason: Self.describe(errno)) }
        defer { close(fd) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: chunk[0..<n])
                guard data.count <= maxBytes else { throw InputFileError(path: path, reason: "more than \(maxBytes >> 20) MiB") }
            } else if n == 0 {
                return data
            } else if errno != EINTR {
                throw InputFileError(path: path, reason: Self.describe(errno))
            }
        }
    }

    /// The text of an input file, or an error naming the first line that is not UTF-8.
    public static func readText(_ path: String) throws(InputFileError) -> String {
        let data = try read(path)
        if let text = String(data: data, encoding: .utf8) { return text }
        var line = 1
        for piece in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: piece, as: UTF8.self) == nil { break }
            line += 1
        }
        throw InputFileError(path: "\(path):\(line)", reason: "not UTF-8 text")
    }

    /// strerror's words in lower case ("no such file or directory").
    static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

/// An input that cannot be read; the message names the path.
public struct InputFileError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}
