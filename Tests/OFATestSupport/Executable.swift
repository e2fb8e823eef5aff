import Foundation
import Testing

/// The built `ofasearch` executable (next to the test bundle) and child processes run to the end.
package enum Executable {
    /// The path of the built `ofasearch`, or nil when it was not built.
    package static let ofasearch: String? = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("ofasearch").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()
    package static let skipReason: Comment = "the ofasearch executable was not built next to the tests (run `swift build` first)"

    /// Runs `ofasearch ARGS` with `stdin`; returns (status, stdout, stderr).
    package static func ofasearch(_ args: [String], stdin: String = "") throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ofasearch))
        process.arguments = args
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input; process.standardOutput = output; process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Runs `executable ARGS` in `directory` with no standard input; returns (status, stdout, stderr).
    package static func run(_ executable: String, _ args: [String], in directory: String? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output; process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
