import OFACore

/// One problem found in a manifest, located by file and line (`FILE:LINE: message`).
public struct ManifestIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line; 0 when the problem has no single line (e.g. an unreadable file).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// Control characters from the manifest are escaped: the message stays one readable line.
    public var description: String { (line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)").printable }
}

/// Every problem found in a manifest, reported together before anything runs.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public var issues: [ManifestIssue]

    public init(issues: [ManifestIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

extension String {
    /// Edit distance (Levenshtein), for "did you mean" suggestions.
    func editDistance(to other: String) -> Int {
        let a = Array(self), b = Array(other)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The closest of `candidates`, when it is close enough to be a likely typo.
    func closest(in candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: lowercased().editDistance(to: $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= Swift.max(2, count / 3) ? best.candidate : nil
    }
}
