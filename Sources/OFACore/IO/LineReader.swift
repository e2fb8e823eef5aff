import Foundation

/// Reads a file descriptor line by line as the bytes arrive, so a caller can answer each line
/// (or each batch) while the writer at the other end of a pipe waits for it.
///
/// Lines end at `\n` (a `\r` before it is dropped); the last line needs no end. Each line is
/// checked to be UTF-8 and named by its number in errors.
///
/// ```swift
/// var reader = LineReader(fileDescriptor: 0, source: "stdin")
/// while let line = try reader.next() { print(line.number, line.text) }
/// ```
public struct LineReader {
    public struct Line: Sendable {
        /// 1-based line number in the input.
        public var number: Int
        public var text: String
    }

    public let source: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next line end resumes (bytes before it hold none).
    private var scanned = 0
    private var lineNumber = 0
    private var atEnd = false
    /// A single line longer than this is refused (a binary file or a device would otherwise be
    /// read into memory without end).
    public var maxLineBytes = 256 << 20

    public init(fileDescriptor: Int32, source: String) {
        self.fd = fileDescriptor
        self.source = source
    }

    /// The next line, or nil at the end of the input.
    public mutating func next() throws(JSONInputError) -> Line? {
        while true {
            if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let bytes = buffer[start..<end]
                // Past the line before decoding it: a caller that goes on after a line that is
                // not UTF-8 (`serve`) reads the next line, not this one again.
                start = newline + 1
                scanned = start
                let line = try decode(bytes)
                if start > 1 << 16 { buffer.removeFirst(start); start = 0; scanned = 0 }
                return line
            }
            scanned = buffer.count
            if atEnd {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let bytes = buffer[start..<end]
                start = buffer.count
                scanned = start
                return try decode(bytes)
            }
            guard buffer.count - start <= maxLineBytes else {
                throw .at(source: source, line: lineNumber + 1, reason: "a line longer than \(maxLineBytes >= 1 << 20 ? "\(maxLineBytes >> 20) MiB" : "\(maxLineBytes) bytes"); expected JSON Lines")
            }
            try fill()
        }
    }

    private mutating func fill() throws(JSONInputError) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return }
            if n == 0 { atEnd = true; return }
            if errno == EINTR { continue }
            throw .unreadable(path: source, reason: String(cString: strerror(errno)))
        }
    }

    private mutating func decode(_ bytes: ArraySlice<UInt8>) throws(JSONInputError) -> Line {
        lineNumber += 1
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .at(source: source, line: lineNumber, reason: "not UTF-8 text")
        }
        return Line(number: lineNumber, text: text)
    }
}
