import Foundation
import Yams
import OFACore

/// Walks a composed YAML tree against the manifest schema, collecting every problem with its
/// line instead of stopping at the first. Used by ``ManifestLoader``.
final class ManifestReader {
    let source: String
    let paths: ManifestPaths
    private(set) var issues: [ManifestIssue] = []

    init(source: String, paths: ManifestPaths) {
        self.source = source
        self.paths = paths
    }

    func issue(_ node: Node?, _ message: String) {
        issues.append(ManifestIssue(file: source, line: node?.mark?.line ?? 0, message: message))
    }

    func issue(line: Int, _ message: String) {
        issues.append(ManifestIssue(file: source, line: line, message: message))
    }

    // MARK: Mappings

    /// The keys of a mapping in document order, with unknown and repeated keys reported.
    struct Fields {
        var entries: [(name: String, key: Node, value: Node)] = []
        var node: Node
        subscript(name: String) -> Node? { entries.first { $0.name == name }?.value }
        func has(_ name: String) -> Bool { entries.contains { $0.name == name } }
    }

    func fields(_ node: Node, allowed: [String], what: String) -> Fields? {
        guard case let .mapping(mapping) = node else {
            issue(node, "\(what) must be a mapping of keys to values, got \(describe(node))")
            return nil
        }
        var out = Fields(node: node)
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issue(key, "\(what): keys must be plain words, got \(describe(key))")
                continue
            }
            if out.has(name) {
                issue(key, "\(what): key '\(name)' appears twice")
                continue
            }
            if !allowed.contains(name) {
                let hint = name.closest(in: allowed).map { "; did you mean '\($0)'?" } ?? "; known keys: \(allowed.joined(separator: ", "))"
                issue(key, "\(what): unknown key '\(name)'\(hint)")
                continue
            }
            out.entries.append((name, key, value))
        }
        return out
    }

    /// A mapping whose keys are free names (e.g. strategy labels), in document order.
    func namedEntries(_ node: Node, what: String) -> [(name: String, key: Node, value: Node)]? {
        guard case let .mapping(mapping) = node else {
            issue(node, "\(what) must be a mapping, got \(describe(node))")
            return nil
        }
        var out: [(name: String, key: Node, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty,
                  !name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
                issue(key, "\(what): names must be plain words, got \(describe(key).printable)")
                continue
            }
            if out.contains(where: { $0.name == name }) {
                issue(key, "\(what): '\(name)' appears twice")
                continue
            }
            out.append((name, key, value))
        }
        return out
    }

    // MARK: Scalars

    func describe(_ node: Node) -> String {
        switch node {
        case let .scalar(s):
            if s.style == .singleQuoted || s.style == .doubleQuoted { return "the string \"\(s.string)\"" }
            if s.string.isEmpty || node.null != nil { return "nothing" }
            return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func string(_ node: Node, _ what: String) -> String? {
        guard case let .scalar(s) = node, !(node.null != nil && (s.style == .plain || s.style == .any)) else {
            issue(node, "\(what) must be a string, got \(describe(node))")
            return nil
        }
        return s.string
    }

    func int(_ node: Node, _ what: String, atLeast minimum: Int? = nil, atMost maximum: Int? = nil) -> Int? {
        guard let value = node.int else {
            issue(node, "\(what) must be an integer, got \(describe(node))")
            return nil
        }
        if let minimum, value < minimum {
            issue(node, "\(what) must be at least \(minimum), got \(value)")
            return nil
        }
        if let maximum, value > maximum {
            issue(node, "\(what) must be at most \(maximum.formatted), got \(value)")
            return nil
        }
        return value
    }

    /// A name that becomes part of file names (experiment, part, strategy): not empty and at
    /// most ``SafeName/maxNameBytes`` bytes.
    func name(_ node: Node, _ what: String) -> String? {
        guard let value = string(node, what) else { return nil }
        if value.isEmpty {
            issue(node, "\(what) must not be empty")
            return nil
        }
        if value.utf8.count > SafeName.maxNameBytes {
            issue(node, "\(what) is \(value.utf8.count) bytes long; at most \(SafeName.maxNameBytes) (it becomes part of file names)")
            return nil
        }
        // Names are printed in reports and file names: a NUL or a newline would corrupt both.
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            issue(node, "\(what) '\(value.printable)' holds a control character")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard let value = node.bool else {
            issue(node, "\(what) must be true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    func double(_ node: Node, _ what: String, in range: ClosedRange<Double>? = nil) -> Double? {
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            issue(node, "\(what) must be a number, got \(describe(node))")
            return nil
        }
        if let range, !range.contains(value) {
            issue(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    /// A list (or a single value) of items read by `item`.
    func list<T>(_ node: Node, _ what: String, allowSingle: Bool = true, _ item: (Node, String) -> T?) -> [T]? {
        let nodes: [Node]
        switch node {
        case let .sequence(seq): nodes = Array(seq)
        case .scalar where allowSingle: nodes = [node]
        default:
            issue(node, "\(what) must be a list, got \(describe(node))")
            return nil
        }
        if nodes.isEmpty {
            issue(node, "\(what) must not be empty")
            return nil
        }
        var out: [T] = []
        var ok = true
        for (i, n) in nodes.enumerated() {
            if let v = item(n, "\(what)[\(i)]") { out.append(v) } else { ok = false }
        }
        return ok ? out : nil
    }

    /// A budget: a number, or a string with a K/M/G suffix (`300M` = 3e8, for MACs).
    func budget(_ node: Node, _ what: String) -> Double? {
        if let v = node.float ?? node.int.map(Double.init), v.isFinite {
            guard v > 0 else { issue(node, "\(what) must be positive, got \(v)"); return nil }
            return v
        }
        if case let .scalar(s) = node, let v = BudgetText.value(s.string) { return v }
        issue(node, "\(what) must be a positive number (e.g. 25, or 300M for MACs), got \(describe(node))")
        return nil
    }

    /// Seeds: an integer, a list of integers, or a range `"FIRST..LAST"`.
    func seeds(_ node: Node, _ what: String) -> [UInt64]? {
        if case let .scalar(s) = node, node.int == nil {
            let bounds = s.string.components(separatedBy: "..")
            if bounds.count == 2, let a = UInt64(bounds[0].trimmingCharacters(in: .whitespaces)),
               let b = UInt64(bounds[1].trimmingCharacters(in: .whitespaces)), a <= b, b - a < 100_000 {
                return Array(a...b)
            }
            issue(node, "\(what) must be an integer, a list of integers or a range like \"0..9\" (at most 100000 seeds), got \(describe(node))")
            return nil
        }
        return list(node, what) { n, w in
            int(n, w, atLeast: 0).map { UInt64($0) }
        }
    }

    // MARK: Predictors

    /// A predictor reference: `macs`, `measured`, a default's name, a path, or `{kind:, path:}`.
    func predictor(_ node: Node, _ what: String) -> PredictorReference? {
        var kind: PredictorReference.Kind?
        let spelled: String
        let valueNode: Node
        if case .mapping = node {
            guard let f = fields(node, allowed: ["kind", "path", "clock"], what: what) else { return nil }
            var clock: String?
            if let c = f["clock"] {
                guard let name = string(c, "\(what).clock") else { return nil }
                guard ["wall", "thread-cpu"].contains(name) else {
                    issue(c, "\(what).clock: unknown clock '\(name)'; known clocks: wall, thread-cpu")
                    return nil
                }
                guard f["kind"]?.scalar?.string == "measured" else {
                    issue(c, "\(what).clock applies to 'kind: measured' only")
                    return nil
                }
                clock = name
            }
            if let k = f["kind"] {
                guard let name = string(k, "\(what).kind") else { return nil }
                guard let parsed = PredictorReference.Kind(rawValue: name) else {
                    let names = PredictorReference.Kind.allCases.map(\.rawValue)
                    issue(k, "\(what).kind: unknown predictor kind '\(name)'\(name.closest(in: names).map { "; did you mean '\($0)'?" } ?? ""); known kinds: \(names.joined(separator: ", "))")
                    return nil
                }
                kind = parsed
            }
            if let p = f["path"] {
                guard let s = string(p, "\(what).path") else { return nil }
                spelled = s
                valueNode = p
            } else if let kind, kind == .macs || kind == .measured {
                return PredictorReference(kind: kind, spelled: kind.rawValue + (clock.map { " (\($0) clock)" } ?? ""), clock: clock)
            } else {
                issue(node, "\(what) needs a 'path'")
                return nil
            }
        } else {
            guard let s = string(node, what) else { return nil }
            spelled = s
            valueNode = node
        }
        if kind == nil, spelled == "macs" { return PredictorReference(kind: .macs, spelled: spelled) }
        if kind == nil, spelled == "measured" { return PredictorReference(kind: .measured, spelled: spelled) }
        switch paths.resolve(spelled) {
        case let .failure(problem):
            issue(valueNode, "\(what): \(problem)")
            return nil
        case let .success(path):
            guard let resolvedKind = kind ?? ManifestPaths.inferKind(path: path) else {
                issue(valueNode, "\(what): cannot tell what kind of predictor '\(spelled)' is; write {kind: mlp|xgboost|lut, path: \(spelled)}")
                return nil
            }
            return PredictorReference(kind: resolvedKind, spelled: spelled, path: path)
        }
    }
}

extension Int {
    /// With thousands separators: 1,000,000.
    var formatted: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
