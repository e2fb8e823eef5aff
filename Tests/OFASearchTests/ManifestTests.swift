import Foundation
import Testing
@testable import OFACore
@testable import OFAExperiments
import OFAStrategies
import OFATestSupport

@Suite("Experiment manifests")
struct ManifestTests {
    /// A loader whose paths resolve inside `folder` and that never sees the real shared data.
    func loader(_ folder: TempFolder, provider: (any PredictorProvider)? = FakeAccuracyProvider.runner, shared: SharedData? = nil) -> ManifestLoader {
        ManifestLoader(predictors: provider, paths: ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(shared)))
    }

    func load(_ yaml: String, provider: (any PredictorProvider)? = FakeAccuracyProvider.runner, shared: SharedData? = nil) throws(ManifestError) -> ExperimentManifest {
        let folder = TempFolder()
        folder.write("acc.json", "{}")
        return try loader(folder, provider: provider, shared: shared).load(yaml: yaml, source: "m.yaml", directory: folder.path)
    }

    func issues(_ yaml: String, provider: (any PredictorProvider)? = FakeAccuracyProvider.runner, shared: SharedData? = nil) -> [ManifestIssue] {
        do {
            _ = try load(yaml, provider: provider, shared: shared)
            return []
        } catch { return error.issues }
    }

    static let valid = """
    name: small
    spaces:
      - name: compofa-mbv3-w1.0
        resolutions: [160, 192]
      - ofa-mbv3-w1.0
    accuracy: acc.json
    efficiency: {kind: lut, path: acc.json}
    strategies:
      evolutionary: {population: 10, generations: 5}
      exhaustive: {}
    targets: [30, 40]
    seeds: [1, 2]
    """

    /// A control character in a name would end up raw in report.md and file names.
    @Test func namesWithControlCharactersAreRefused() {
        let found = issues(Self.valid.replacingOccurrences(of: "name: small", with: #"name: "a\u0000b""#))
        #expect(found.contains { $0.line == 1 && $0.message.contains("holds a control character") }, "\(found.map(\.message))")
        let newline = issues(Self.valid.replacingOccurrences(of: "name: small", with: #"name: "a\nb""#))
        #expect(newline.contains { $0.message.contains("holds a control character") })
    }

    @Test func validManifestLoadsWithDefaults() throws {
        // exhaustive cannot run in the OFA space: restrict it there.
        let yaml = Self.valid.replacingOccurrences(of: "  - ofa-mbv3-w1.0", with: "  - {name: ofa-mbv3-w1.0, strategies: [evolutionary]}")
        let m = try load(yaml)
        #expect(m.name == "small")
        #expect(m.parts.count == 1 && m.parts[0].name == "main")
        let part = m.parts[0]
        #expect(part.spaces.map(\.name) == ["compofa-mbv3-w1.0", "ofa-mbv3-w1.0"])
        #expect(part.spaces[0].resolutions == [160, 192])
        #expect(part.strategies.map(\.label) == ["evolutionary", "exhaustive"])
        #expect(part.strategies[0].population == 10 && part.strategies[0].generations == 5)
        #expect(part.strategies[0].parentRatio == 0.25 && part.strategies[0].mutationProbability == 0.1)
        #expect(part.accuracy.kind == .mlp && part.efficiency.kind == .lut)
        #expect(part.targets == [30, 40] && part.seeds == [1, 2] && part.repeats == 1)
        #expect(part.baseline == .init(space: "compofa-mbv3-w1.0", strategy: "evolutionary"))
    }

    @Test func aDirectoryOrMissingFileIsNamed() {
        let folder = TempFolder()
        for (path, expected) in [(folder.path, "is a directory"), (folder.path + "/none.yaml", "cannot read the manifest")] {
            do {
                _ = try loader(folder).load(path: path)
                Issue.record("loading \(path) should fail")
            } catch {
                #expect(error.issues.count == 1)
                #expect(error.issues.first?.file == path)
                #expect(error.issues.first?.message.contains(expected) == true)
            }
        }
    }

    @Test func typoInKeyIsReportedWithItsLineAndASuggestion() {
        let yaml = Self.valid.replacingOccurrences(of: "population: 10", with: "populaton: 10")
            .replacingOccurrences(of: "  - ofa-mbv3-w1.0\n", with: "")
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == 8)
        #expect(found.first?.description.contains("m.yaml:8:") == true)
        #expect(found.first?.message.contains("unknown key 'populaton'; did you mean 'population'?") == true)
    }

    @Test func topLevelTypoSuggestsTheKey() {
        let found = issues(Self.valid.replacingOccurrences(of: "targets:", with: "tragets:"))
        #expect(found.contains { $0.line == 11 && $0.message.contains("did you mean 'targets'") }, "\(found)")
    }

    @Test func stringForANumberIsReported() {
        let yaml = Self.valid.replacingOccurrences(of: "generations: 5", with: "generations: \"five\"")
            .replacingOccurrences(of: "  - ofa-mbv3-w1.0\n", with: "")
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == 8)
        #expect(found.first?.message.contains("generations must be an integer, got the string \"five\"") == true)
    }

    @Test func missingPredictorFileIsReported() {
        let found = issues(Self.valid.replacingOccurrences(of: "accuracy: acc.json", with: "accuracy: models/none.json")
            .replacingOccurrences(of: "  - ofa-mbv3-w1.0\n", with: ""))
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.message.contains("'models/none.json' not found") == true)
    }

    @Test func sharedPathWithoutSharedDataNamesTheFile() {
        let found = issues(Self.valid.replacingOccurrences(of: "accuracy: acc.json", with: "accuracy: shared:predictors/ofa-tutorial-mlp-w1.2.json")
            .replacingOccurrences(of: "  - ofa-mbv3-w1.0\n", with: ""))
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.message.contains("'shared:predictors/ofa-tutorial-mlp-w1.2.json' needs the shared data folder") == true)
    }

    @Test func targetBelowTheSpaceMinimumIsReportedAtTheTarget() throws {
        // RunnerFakeCost's smallest compofa-mbv3-w1.0 subnet costs 21.39 (at r160).
        let yaml = Self.valid.replacingOccurrences(of: "targets: [30, 40]", with: "targets:\n  - 30\n  - 12.5\n")
            .replacingOccurrences(of: "  - ofa-mbv3-w1.0\n", with: "")
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == 12)
        #expect(found.first?.message.contains("target 12.5 ms is below the smallest latency reachable in compofa-mbv3-w1.0 (21.39 ms at r160)") == true)
        // Without a provider the target cannot be checked, and the manifest loads.
        #expect(issues(yaml, provider: nil).isEmpty)
    }

    @Test func allProblemsAreReportedAtOnce() {
        let yaml = """
        name: broken
        spaces: [compofa-mbv3-w1.0, ofa-mbv3-w9]
        accuracy: missing.json
        efficiency: macs
        strategies:
          evolutionary: {population: many}
          exhaustiv: {}
        targets: [100M]
        seeds: [1]
        repaets: 2
        """
        let found = issues(yaml)
        let lines = found.map(\.line)
        #expect(lines == [2, 3, 6, 7, 10], "\(found)")
        #expect(found.contains { $0.message.contains("unknown space 'ofa-mbv3-w9'; did you mean 'ofa-mbv3-w1.0'?") })
        #expect(found.contains { $0.message.contains("unknown strategy 'exhaustiv'; did you mean 'exhaustive'?") })
    }

    @Test func exhaustiveInAHugeSpaceIsRefusedAtValidation() {
        let found = issues(Self.valid)
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.message.contains("exhaustive search cannot enumerate ofa-mbv3-w1.0") == true)
    }

    @Test func yamlSyntaxErrorsCarryTheLine() {
        let found = issues("name: x\nspaces: [a, b\ntargets: 3\n")
        #expect(found.count == 1)
        #expect(found.first?.line ?? 0 >= 2)
        #expect(found.first?.message.hasPrefix("not valid YAML") == true)
    }

    @Test func partsInheritTopLevelFields() throws {
        let yaml = """
        name: two-parts
        accuracy: acc.json
        efficiency: macs
        strategies: [random]
        seeds: 0..2
        parts:
          - name: first
            spaces: [compofa-mbv3-w1.0]
            targets: [200M, 250M]
          - name: second
            spaces: [compofa-elastic-mbv3-w1.0]
            targets: [300M]
            repeats: 2
        """
        let m = try load(yaml, provider: nil)
        #expect(m.parts.map(\.name) == ["first", "second"])
        #expect(m.parts[0].targets == [2e8, 2.5e8])
        #expect(m.parts[1].seeds == [0, 1, 2] && m.parts[1].repeats == 2)
        #expect(m.parts[1].metric == .macs)
    }

    /// A part sweeping three MACs targets in the given `multi` modes.
    static func multiManifest(modes: String) -> String {
        """
        name: multi
        spaces: [compofa-mbv3-w1.0]
        accuracy: acc.json
        efficiency: macs
        strategies: [evolutionary]
        targets: [200M, 250M, 300M]
        multi:
          modes: [\(modes)]
        """
    }

    @Test func multiTargetSettingsAreValidated() {
        let yaml = Self.multiManifest(modes: "independent, bottom-up, top-dwn") + "\n  warm_generations: 0\n  target_counts: [1, 4]"
        let found = issues(yaml, provider: nil)
        #expect(found.map(\.line) == [8, 9, 10], "\(found)")
        #expect(found[0].message.contains("did you mean 'top-down'?"))
    }

    /// The CLI's sweep settings, read from `multi:`; absent, they leave the fingerprint as it
    /// was before they existed (old output folders still resume).
    @Test func multiTargetSweepSettingsMatchTheCLI() throws {
        let base = Self.multiManifest(modes: "bottom-up, nsga2")
        let plain = try load(base, provider: nil)
        let spec = try #require(plain.parts[0].multi)
        #expect(spec.settings == SweepSettings())
        #expect(spec.resolvedJSON.rendered() == #"{"modes":["bottom-up","nsga2"],"variants":["improved"],"warm_generations":100}"#)
        let set = try load(base + "\n  first_stall: 0\n  warm_stall: 30\n  warm_parent_ratio: 0.4\n  max_tries: 500", provider: nil)
        let settings = try #require(set.parts[0].multi).settings
        #expect(settings.firstStall == 0 && settings.warmStall == 30 && settings.warmParentRatio == 0.4 && settings.maxTries == 500)
        #expect(set.fingerprint != plain.fingerprint)
        let sweep = try settings.sweep(mode: .bottomUp, variant: .improved, search: SearchSettings())
        #expect(sweep.firstStall == nil && sweep.warmStall == 30 && sweep.warmParentRatio == 0.4)
        #expect(sweep.strategy.maxTries == 500 && sweep.nsga2.maxTries == 500)
        let bad = issues(base + "\n  warm_parent_ratio: 1.5\n  first_stall: -1", provider: nil)
        #expect(bad.count == 2, "\(bad)")
    }

    /// A part with NSGA-II says in its fingerprint where NSGA-II's parents come from (its
    /// results changed with issue 16's second round); a part without it keeps its fingerprint.
    @Test func nsga2ParentsAreInTheFingerprint() throws {
        func manifest(_ modes: String) throws -> ExperimentManifest { try load(Self.multiManifest(modes: modes), provider: nil) }
        #expect(try manifest("bottom-up, nsga2").resolvedJSON().rendered().contains(#""nsga2":{"parents":"answers"}"#))
        let plain = try manifest("bottom-up")
        #expect(!plain.resolvedJSON().rendered().contains(#""nsga2""#))
        // The part's resolved JSON without NSGA-II is what it was before (the fingerprint with it).
        #expect(plain.parts[0].resolvedJSON(machineIndependent: true).rendered().contains(#""multi":{"modes":["bottom-up"],"variants":["improved"],"warm_generations":100},"seeds""#))
    }

    @Test func spacesMayCarryTheirOwnPredictors() throws {
        let yaml = """
        name: own-predictors
        spaces:
          - {name: ofa-mbv3-w1.0, accuracy: acc.json, strategies: [evolutionary]}
          - {name: compofa-mbv3-w1.0, accuracy: {kind: xgboost, path: acc.json}}
        efficiency: macs
        strategies: [evolutionary, exhaustive]
        targets: [200M]
        """
        let m = try load(yaml, provider: nil)
        let part = m.parts[0]
        #expect(part.accuracy(for: part.spaces[0]).kind == .mlp)
        #expect(part.accuracy(for: part.spaces[1]).kind == .xgboost)
        #expect(part.strategies(for: part.spaces[0]).map(\.label) == ["evolutionary"])
        #expect(part.strategies(for: part.spaces[1]).map(\.label) == ["evolutionary", "exhaustive"])
        // Without the spaces' own accuracy, the part needs one.
        let found = issues(yaml.replacingOccurrences(of: ", accuracy: acc.json", with: ""), provider: nil)
        #expect(found.map(\.message) == ["manifest has no 'accuracy' (set it in the part or at the top level)"])
    }
}
