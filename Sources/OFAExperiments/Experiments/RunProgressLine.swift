import Foundation
import Synchronization

/// A one-line progress display on stderr (`[12/48] 3 running, 40 s, about 2 min left`),
/// redrawn in place; silent when disabled (the CLI enables it only when stderr is a terminal).
final class RunProgressLine: Sendable {
    private struct Counts {
        var finished = 0
        var failed = 0
        var running = 0
    }

    private let counts = Mutex(Counts())
    private let total: Int
    private let enabled: Bool
    private let start = ContinuousClock.now

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func started(_ id: String) {
        counts.withLock { c in
            c.running += 1
            draw(c)
        }
    }

    func finished(_ id: String, ok: Bool) {
        counts.withLock { c in
            c.running -= 1; c.finished += 1
            if !ok { c.failed += 1 }
            draw(c)
        }
    }

    func done() {
        guard enabled, total > 0 else { return }
        FileHandle.standardError.write("\n".data(using: .utf8)!)
    }

    // Called under the lock, so two runs' lines never interleave.
    private func draw(_ c: Counts) {
        guard enabled else { return }
        let elapsed = (ContinuousClock.now - start).seconds
        var line = "\r[\(c.finished)/\(total)] \(c.running) running, \(Int(elapsed)) s"
        if c.failed > 0 { line += ", \(c.failed) failed" }
        if c.finished > 0, c.finished < total {
            let left = elapsed / Double(c.finished) * Double(total - c.finished)
            line += left < 120 ? ", about \(Int(left)) s left" : ", about \(Int(left / 60)) min left"
        }
        FileHandle.standardError.write((line + "   ").data(using: .utf8)!)
    }
}
