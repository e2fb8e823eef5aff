import Foundation
import OFACore
import OFAEvaluators

/// How a manifest's file references resolve.
///
/// - `shared:REL` — `REL` inside the shared data folder found by ``SharedData/locate(from:)``
///   (`$OFA_DATA`, else `../shared/ofa-data` beside the project). When the folder is absent the
///   reference is an error naming the missing file.
/// - an absolute path — as is.
/// - a bare name (no `/`) that exists under the project's `predictors/` — that committed default
///   (e.g. `ofa-mbv3-w1.0-top1`).
/// - any other relative path — relative to the manifest's folder if it exists there, else relative
///   to the project root (the nearest folder above the manifest holding `Package.swift`).
///
/// ```swift
/// let paths = ManifestPaths(manifestDirectory: "/repo/experiments")
/// try paths.resolve("shared:latency/note10").get()   // "/work/shared/ofa-data/latency/note10"
/// ```
public struct ManifestPaths: Sendable {
    public var manifestDirectory: String
    public var projectRoot: String
    public var shared: SharedData?

    /// `projectRoot` defaults to the nearest folder above the manifest holding `Package.swift`;
    /// `shared` defaults to ``SharedData/locate(from:)`` (pass `.some(nil)` to resolve as if the
    /// shared data folder were absent, as tests do).
    public init(manifestDirectory: String, projectRoot: String? = nil, shared: SharedData?? = nil) {
        let dir = URL(fileURLWithPath: manifestDirectory).standardizedFileURL.path
        self.manifestDirectory = dir
        self.projectRoot = projectRoot ?? Self.findProjectRoot(from: dir) ?? dir
        self.shared = shared ?? (SharedData.locate(from: self.projectRoot + "/x") ?? SharedData.locate())
    }

    /// The nearest folder at or above `dir` that holds `Package.swift`.
    public static func findProjectRoot(from dir: String) -> String? {
        var url = URL(fileURLWithPath: dir).standardizedFileURL
        for _ in 0..<16 {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
        return nil
    }

    /// The absolute path of an existing file or folder, or why it cannot be found.
    public func resolve(_ spelled: String) -> Result<String, PathProblem> {
        let fm = FileManager.default
        if spelled.hasPrefix("shared:") {
            let rel = String(spelled.dropFirst("shared:".count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard let shared else { return .failure(.sharedDataAbsent(spelled)) }
            let path = shared.path(rel)
            return fm.fileExists(atPath: path) ? .success(path) : .failure(.missing(spelled, tried: [path]))
        }
        if spelled.hasPrefix("/") {
            return fm.fileExists(atPath: spelled) ? .success(spelled) : .failure(.missing(spelled, tried: [spelled]))
        }
        var tried: [String] = []
        if !spelled.contains("/") {
            let candidate = projectRoot + "/predictors/" + spelled
            tried.append(candidate)
            if fm.fileExists(atPath: candidate) { return .success(candidate) }
        }
        for base in [manifestDirectory, projectRoot] {
            let candidate = URL(fileURLWithPath: base).appendingPathComponent(spelled).standardizedFileURL.path
            if tried.contains(candidate) { continue }
            tried.append(candidate)
            if fm.fileExists(atPath: candidate) { return .success(candidate) }
        }
        return .failure(.missing(spelled, tried: tried))
    }

    /// Why a reference did not resolve.
    public enum PathProblem: Error, Sendable, CustomStringConvertible {
        case sharedDataAbsent(String)
        case missing(String, tried: [String])

        public var description: String {
            switch self {
            case let .sharedDataAbsent(spelled):
                "'\(spelled)' needs the shared data folder (../shared/ofa-data beside the project, or $OFA_DATA), which was not found"
            case let .missing(spelled, tried):
                "'\(spelled)' not found (looked for \(tried.joined(separator: ", ")))"
            }
        }
    }

    /// The kind of predictor stored at `path`, inferred from its layout; nil when unclear.
    public static func inferKind(path: String) -> PredictorReference.Kind? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            let names = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            if names.contains(where: { $0.hasSuffix("_lookup_table.yaml") }) { return .lut }
            if names.contains(where: { $0.hasSuffix(".ubj") || $0 == "model.json" || $0.hasPrefix("provenance") }) {
                return .xgboost
            }
            return nil
        }
        let lower = path.lowercased()
        if EvaluatorSpec.looksLikeSpec(path) { return .command }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return .lut }
        if lower.hasSuffix(".json") { return .mlp }
        if lower.hasSuffix(".ubj") { return .xgboost }
        return nil
    }
}
