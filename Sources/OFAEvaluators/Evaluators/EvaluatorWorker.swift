import Foundation
import OFACore

/// One running evaluator program, spoken to in JSON Lines over its standard input and output.
///
/// Reads go through `poll` on both of its output pipes, so a hung worker ends in a timeout, a
/// dead one in end of file, and its standard error never fills its pipe while ofasearch waits.
/// Lines of standard output that do not start with `{` are progress output, not protocol: they
/// are kept (with standard error) for error messages and otherwise ignored.
final class EvaluatorWorker {
    private let process: Process
    private let input: Int32
    private let output: Int32
    private let errors: Int32
    private var outBuffer: [UInt8] = []
    private var errBuffer: [UInt8] = []
    private var outClosed = false
    private var errClosed = false
    /// The last lines of standard error and of non-protocol standard output.
    private(set) var tail: [String] = []
    private static let tailLines = 20

    init(spec: EvaluatorSpec) throws(EvaluatorError) {
        // A worker that dies while we write to it must give EPIPE, not kill ofasearch.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        let program = spec.command[0]
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : spec.workingDirectory + "/" + program)
            process.arguments = Array(spec.command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = spec.command
        }
        process.currentDirectoryURL = URL(fileURLWithPath: spec.workingDirectory)
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in spec.environment { environment[k] = v }
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            throw .worker(evaluator: spec.path, reason: "cannot start \(spec.command.joined(separator: " ")): \(error.localizedDescription)", stderr: [])
        }
        self.process = process
        input = stdin.fileHandleForWriting.fileDescriptor
        output = stdout.fileHandleForReading.fileDescriptor
        errors = stderr.fileHandleForReading.fileDescriptor
        // Keep the handles (and so the descriptors) alive as long as the worker.
        pipes = [stdin, stdout, stderr]
    }

    private var pipes: [Pipe] = []

    deinit { stop() }

    var isRunning: Bool { process.isRunning }

    /// Writes one line; false when the worker has gone.
    func send(_ line: String) -> Bool {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(input, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n } else if n < 0, errno == EINTR { continue } else { return false }
        }
        return true
    }

    /// The next protocol line (one starting with `{`), or nil at end of output; throws
    /// `timedOut` when none comes before `deadline`.
    func readLine(until deadline: ContinuousClock.Instant) throws(WorkerReadError) -> String? {
        while true {
            while let line = takeLine(from: &outBuffer) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("{") { return trimmed }
                if !trimmed.isEmpty { remember(trimmed) }
            }
            if outClosed {
                if !outBuffer.isEmpty {
                    let rest = String(decoding: outBuffer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    outBuffer = []
                    if rest.hasPrefix("{") { return rest }
                    if !rest.isEmpty { remember(rest) }
                }
                drainErrors(until: ContinuousClock.now + .milliseconds(200))
                return nil
            }
            let now = ContinuousClock.now
            guard now < deadline else { throw .timedOut }
            let remaining = deadline - now
            let ms = Int32(clamping: remaining.components.seconds * 1000 + Int64(remaining.components.attoseconds / 1_000_000_000_000_000) + 1)
            pollOnce(timeoutMilliseconds: min(ms, 1000))
        }
    }

    /// Reads whatever standard error still holds (the reason a worker died is usually there).
    func drainErrors(until deadline: ContinuousClock.Instant) {
        while !errClosed, ContinuousClock.now < deadline {
            pollOnce(timeoutMilliseconds: 50, errorsOnly: true)
        }
        if !errBuffer.isEmpty { remember(String(decoding: errBuffer, as: UTF8.self)); errBuffer = [] }
    }

    private func pollOnce(timeoutMilliseconds: Int32, errorsOnly: Bool = false) {
        var fds: [pollfd] = []
        if !outClosed, !errorsOnly { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
        if !errClosed { fds.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
        guard !fds.isEmpty else { return }
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        guard ready > 0 else { return }
        for p in fds where p.revents != 0 {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
            if p.fd == output {
                if n > 0 { outBuffer.append(contentsOf: chunk[0..<n]) } else if n == 0 || errno != EINTR { outClosed = true }
            } else {
                if n > 0 {
                    errBuffer.append(contentsOf: chunk[0..<n])
                    while let line = takeLine(from: &errBuffer) { if !line.isEmpty { remember(line) } }
                    // One endless line must not grow without bound.
                    if errBuffer.count > 1 << 16 { remember(String(decoding: errBuffer.prefix(200), as: UTF8.self)); errBuffer = [] }
                } else if n == 0 || errno != EINTR { errClosed = true }
            }
        }
        // A protocol line has no reason to be this long; keep memory bounded.
        if outBuffer.count > 256 << 20 { outBuffer = []; outClosed = true; remember("(a line of standard output over 256 MiB)") }
    }

    private func takeLine(from buffer: inout [UInt8]) -> String? {
        guard let newline = buffer.firstIndex(of: 0x0A) else { return nil }
        var end = newline
        if end > 0, buffer[end - 1] == 0x0D { end -= 1 }
        let line = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(newline + 1)
        return line
    }

    private func remember(_ line: String) {
        tail.append(line)
        if tail.count > Self.tailLines { tail.removeFirst(tail.count - Self.tailLines) }
    }

    /// Ends the worker: closes its input (a well-behaved one exits), then terminates and, if
    /// need be, kills it; waits for it so no zombie is left.
    func stop() {
        guard process.isRunning else { return }
        try? pipes.first?.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .milliseconds(500)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        let killAt = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < killAt { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// How the worker ended, for messages ("exit status 3", "signal 9").
    var exitDescription: String {
        guard !process.isRunning else { return "still running" }
        return process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
    }
}

enum WorkerReadError: Error { case timedOut }
