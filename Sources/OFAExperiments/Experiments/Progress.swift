import Foundation

/// A one-line progress display on stderr (`[12/48] 3 running, 40 s, about 2 min left`),
/// redrawn in place; silent when disabled (the CLI enables it only when stderr is a terminal).
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let enabled: Bool
    private var finished = 0
    private var failed = 0
    private var running = 0
    private let start = ContinuousClock.now

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func started(_ id: String) {
        lock.lock(); running += 1; draw(); lock.unlock()
    }

    func finished(_ id: String, ok: Bool) {
        lock.lock()
        running -= 1; finished += 1
        if !ok { failed += 1 }
        draw()
        lock.unlock()
    }

    func done() {
        guard enabled, total > 0 else { return }
        FileHandle.standardError.write("\n".data(using: .utf8)!)
    }

    private func draw() {
        guard enabled else { return }
        let elapsed = (ContinuousClock.now - start).seconds
        var line = "\r[\(finished)/\(total)] \(running) running, \(Int(elapsed)) s"
        if failed > 0 { line += ", \(failed) failed" }
        if finished > 0, finished < total {
            let left = elapsed / Double(finished) * Double(total - finished)
            line += left < 120 ? ", about \(Int(left)) s left" : ", about \(Int(left / 60)) min left"
        }
        FileHandle.standardError.write((line + "   ").data(using: .utf8)!)
    }
}
