import ArgumentParser
import Foundation
import OFASearch

/// `ofasearch _fork-server`: runs command lines for the fuzzer (`make fuzz`) in forked copies of
/// this process, so a case costs a fork instead of starting the program (its libraries load
/// once). Each case runs exactly as a separate invocation would: its own working directory,
/// environment, limits, standard streams (files) and process group; a crash is a signal of the
/// child, a hang a child killed at its deadline. Not for users; hidden from help.
///
/// Requests on standard input, one JSON object per line:
/// `{"argv": [...], "cwd": DIR, "env": {K: V}, "stdin": FILE, "stdout": FILE, "stderr": FILE, "timeout": SECONDS}`;
/// replies `{"status": N}`, `{"signal": N}` or `{"timeout": true}`.
struct ForkServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_fork-server",
        abstract: "Run command lines in forked children (the fuzzer's fast path).",
        shouldDisplay: false
    )

    @Option(help: "Address-space limit of each child, bytes.") var memoryLimit = 4 << 30
    @Option(help: "Largest file a child may write, bytes.") var fileLimit = 1 << 30

    func run() throws {
        var reader = LineReader(fileDescriptor: 0, source: "stdin")
        while let line = try reader.next() {
            if line.text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let request = try JSONCObject(parsing: line.text)
            let reply = try serve(request)
            FileHandle.standardOutput.write(Data((reply.rendered() + "\n").utf8))
        }
    }

    private func serve(_ r: JSONCObject) throws -> JSONValue {
        guard let argvList = r["argv"], argvList.isArray, let envObject = r["env"], envObject.isObject else {
            throw ValidationError("a request needs argv and env")
        }
        let argv = (0..<argvList.count).compactMap { argvList[$0]?.stringValue }
        var env: [(String, String)] = []
        for key in envObject.keys { if let v = envObject[key]?.stringValue { env.append((key, v)) } }
        let cwd = try r.string("cwd"), input = try r.string("stdin"), output = try r.string("stdout"), errors = try r.string("stderr")
        let timeout = try r.double("timeout")

        let pid = fork()
        if pid == 0 {
            // The child: become the invocation, run it, exit with its status.
            setpgid(0, 0)
            guard chdir(cwd) == 0 else { _exit(120) }
            clearenv()
            for (k, v) in env { setenv(k, v, 1) }
            var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
            limit = rlimit(rlim_cur: rlim_t(fileLimit), rlim_max: rlim_t(fileLimit))
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
            limit = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
            let i = open(input, O_RDONLY), o = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644), e = open(errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard i >= 0, o >= 0, e >= 0 else { _exit(121) }
            dup2(i, 0); dup2(o, 1); dup2(e, 2)
            close(i); close(o); close(e)
            MachineInfo.pinBLASThreads(1)
            OFASearchCommand.run(argv)
            Foundation.exit(0)
        }
        guard pid > 0 else { throw ValidationError("fork failed: \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL); kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return .object([("timeout", .bool(true))])
            }
            usleep(1000)
        }
        // Children of the case (an evaluator it started) go with it.
        kill(-pid, SIGKILL)
        let signalled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        return signalled ? .object([("signal", .int(Int(status & 0x7f)))]) : .object([("status", .int(Int((status >> 8) & 0xff)))])
    }
}
