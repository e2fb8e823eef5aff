import COpenBLAS
import Foundation

/// What a latency measurement depends on: CPU model, cores, OpenBLAS build and threads, load,
/// build mode, date. Written into table headers and provenance files.
///
/// ```swift
/// MachineInfo.pinBLASThreads(1)
/// print(MachineInfo.current().headerLines.joined(separator: "\n"))
/// ```
public struct MachineInfo: Sendable {
    public let cpuModel: String
    public let cores: Int
    public let openBLASConfig: String
    public let openBLASThreads: Int
    /// 1-, 5- and 15-minute load averages when measured.
    public let loadAverage: [Double]
    public let buildMode: String
    public let date: String

    /// Sets OpenBLAS's thread count (one for latency measurements: batch 1 on one core, no
    /// thread-pool wake-ups inside the timings).
    public static func pinBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// At start-up, before any BLAS call: stops the worker threads OpenBLAS started when it
    /// loaded, which spin (`sched_yield`) for a while waiting for work and took a core from short
    /// commands. OpenBLAS starts them again by itself if a later call asks for more threads.
    public static func stopIdleBLASWorkers() {
        // Looked up, not linked: OpenBLAS builds without a thread server do not have it.
        if let symbol = dlsym(nil, "blas_thread_shutdown_") {   // nil: RTLD_DEFAULT on glibc
            typealias Shutdown = @convention(c) () -> Int32
            _ = unsafeBitCast(symbol, to: Shutdown.self)()
        }
    }

    /// This machine's CPU as table headers record it (`cpu:` line): model name, then family,
    /// model, stepping, cache, SIMD and VM flags. Read once per process.
    public static let currentCPUModel: String = {
        // /proc/cpuinfo's first processor: name, family/model/stepping, L2 size, SIMD and VM flags.
        var fields: [String: String] = [:]
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
        }
        var model = fields["model name"] ?? "unknown"
        if let family = fields["cpu family"], let m = fields["model"], let stepping = fields["stepping"] {
            model += " (family \(family), model \(m), stepping \(stepping)"
            if let cache = fields["cache size"] { model += ", cache \(cache)" }
            let flags = Set((fields["flags"] ?? "").split(separator: " ").map(String.init))
            let simd = ["avx2", "fma", "avx512f"].filter(flags.contains)
            if !simd.isEmpty { model += ", " + simd.joined(separator: "/") }
            if flags.contains("hypervisor") { model += ", virtual machine" }
            model += ")"
        }
        return model
    }()

    public static func current() -> MachineInfo {
        let model = currentCPUModel
        var loads = [Double](repeating: 0, count: 3)
        _ = loads.withUnsafeMutableBufferPointer { getloadavg($0.baseAddress!, 3) }
        #if DEBUG
        let mode = "debug (timings are not representative: use a release build)"
        #else
        let mode = "release"
        #endif
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return MachineInfo(cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount,
                           openBLASConfig: String(cString: openblas_get_config()),
                           openBLASThreads: Int(openblas_get_num_threads()),
                           loadAverage: loads, buildMode: mode, date: formatter.string(from: Date()))
    }

    /// `key: value` lines for a header comment or a provenance file.
    public var headerLines: [String] {
        [
            "cpu: \(cpuModel)",
            "cores: \(cores)",
            "openblas: \(openBLASConfig)",
            "openblas threads: \(openBLASThreads)",
            "load average (1/5/15 min): \(loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))",
            "build: \(buildMode)",
            "date: \(date)",
        ]
    }
}
