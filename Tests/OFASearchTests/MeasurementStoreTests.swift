import Foundation
import Testing
@testable import OFACore
@testable import OFAPredictors
@testable import OFAEvaluators
@testable import OFAExperiments
import OFATestSupport

/// The measurement store (issue 13): keyed by evaluator identity, space and canonical
/// architecture; the first measurement kept; shared by connections; an evaluator with a store
/// never measures what it holds; export in the layout `predictor train` reads.
@Suite struct MeasurementStoreTests {
    static let toy = EvaluatorIdentity(name: "toy", metric: .latency, device: "this machine", version: "1")

    @Test func recordLookupFirstWinsAndSummaries() throws {
        let folder = TempFolder()
        let path = folder.path + "/m.sqlite"
        let archs = EvaluatorTests.archs(5)
        let store = try MeasurementStore(path: path)
        #expect(try store.lookup(Self.toy, space: "s", archs).allSatisfy { $0 == nil })
        let added = try store.record(Self.toy, space: "s", archs.prefix(3).enumerated().map { ($1, EvaluatorMeasurement(value: Double($0) + 1, spread: 0.1, repeats: 5)) })
        #expect(added == 3)
        // The same key again keeps its first value; a new key is added.
        #expect(try store.record(Self.toy, space: "s", [(archs[0], EvaluatorMeasurement(value: 99)), (archs[3], EvaluatorMeasurement(value: 4))]) == 1)
        let reopened = try MeasurementStore(path: path)
        let found = try reopened.lookup(Self.toy, space: "s", archs)
        #expect(found == [EvaluatorMeasurement(value: 1, spread: 0.1, repeats: 5), EvaluatorMeasurement(value: 2, spread: 0.1, repeats: 5),
                          EvaluatorMeasurement(value: 3, spread: 0.1, repeats: 5), EvaluatorMeasurement(value: 4), nil])
        // Another version, device, metric or space is another key.
        var other = Self.toy
        other.version = "2"
        #expect(try reopened.lookup(other, space: "s", archs).allSatisfy { $0 == nil })
        #expect(try reopened.lookup(Self.toy, space: "t", archs).allSatisfy { $0 == nil })
        let summaries = try reopened.summaries()
        #expect(summaries.count == 1 && summaries[0].identity == Self.toy && summaries[0].space == "s" && summaries[0].count == 4)
        let rows = try reopened.rows(metric: .latency)
        #expect(rows.count == 4 && Set(rows.map(\.arch)) == Set(archs.prefix(4)))
        #expect(try reopened.rows(metric: .accuracy).isEmpty)
    }

    /// Shards' stores merge into one: new keys added with their values and times, held keys kept.
    @Test func storesMerge() throws {
        let folder = TempFolder()
        let archs = EvaluatorTests.archs(6, seed: 21)
        let a = try MeasurementStore(path: folder.path + "/a.sqlite"), b = try MeasurementStore(path: folder.path + "/b.sqlite")
        try a.record(Self.toy, space: "s", archs.prefix(4).map { ($0, EvaluatorMeasurement(value: 1)) })
        try b.record(Self.toy, space: "s", archs.suffix(4).map { ($0, EvaluatorMeasurement(value: 2, spread: 0.5, repeats: 3)) })
        #expect(try a.merge(from: folder.path + "/b.sqlite") == 2)
        #expect(try a.merge(from: folder.path + "/b.sqlite") == 0)
        let values = try a.lookup(Self.toy, space: "s", archs).map { $0?.value }
        #expect(values == [1, 1, 1, 1, 2, 2])
        #expect(try a.lookup(Self.toy, space: "s", [archs[5]]).first == EvaluatorMeasurement(value: 2, spread: 0.5, repeats: 3))
        #expect(throws: StoreError.self) { try a.merge(from: folder.write("text.sqlite", "not a store")) }
        // A mistyped source is not created.
        #expect(throws: StoreError.self) { try a.merge(from: folder.path + "/missing.sqlite") }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/missing.sqlite"))
    }

    /// Another program's SQLite database is refused and left as it was.
    @Test(.enabled(if: EvaluatorTests.python != nil, EvaluatorTests.skipReason))
    func anotherDatabaseIsNotConverted() throws {
        let folder = TempFolder()
        let path = folder.path + "/other.db"
        let made = try Executable.run(EvaluatorTests.python!, ["-c", "import sqlite3; c = sqlite3.connect('\(path)'); c.execute('create table trials (x)'); c.commit()"])
        #expect(made.0 == 0, "\(made.2)")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.database(path: path, reason: "is a SQLite database but not a measurement store")) { try MeasurementStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aFileThatIsNotAStoreIsNamed() throws {
        let folder = TempFolder()
        let path = folder.write("bad.sqlite", "not a database, just text\n")
        #expect(throws: StoreError.database(path: path, reason: "file is not a database")) { try MeasurementStore(path: path) }
        #expect(throws: StoreError.self) { try MeasurementStore(path: folder.path + "/no/such/folder/m.sqlite") }
    }

    /// Two connections (two processes, or two evaluators of one run) writing at once: nothing lost.
    @Test func connectionsShareTheStore() throws {
        let folder = TempFolder()
        let path = folder.path + "/m.sqlite"
        let archs = EvaluatorTests.archs(200, seed: 7)
        let stores = try [MeasurementStore(path: path), MeasurementStore(path: path)]
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            for i in stride(from: k, to: archs.count, by: 2) {
                _ = try? stores[k].record(Self.toy, space: "s", [(archs[i], EvaluatorMeasurement(value: Double(i) + 1))])
            }
        }
        let found = try MeasurementStore(path: path).lookup(Self.toy, space: "s", archs)
        #expect(found.enumerated().allSatisfy { $1?.value == Double($0) + 1 })
    }

    /// An evaluator with a store measures each distinct architecture once, ever: a second
    /// evaluator process on the same store measures nothing it holds and answers the same values.
    @Test(.enabled(if: EvaluatorTests.python != nil, EvaluatorTests.skipReason))
    func anEvaluatorNeverMeasuresTwice() throws {
        let folder = TempFolder()
        let log = folder.path + "/measured.jsonl", store = folder.path + "/m.sqlite"
        func evaluator() throws -> ExternalEvaluator {
            var spec = EvaluatorTests.spec(["--metric", "latency_ms", "--log", log])
            spec.store = store
            return try ExternalEvaluator(spec: spec)
        }
        func measuredLines() -> Int { folder.read("measured.jsonl").split(separator: "\n").count }
        let archs = EvaluatorTests.archs(10)
        let first = try evaluator()
        let values = try first.measure(archs + archs.prefix(3), space: EvaluatorTests.space.name)
        #expect(measuredLines() == 10)   // the repeated three measured once
        #expect(first.measuredCount == 10 && first.storedCount == 0)
        #expect(Array(values.suffix(3)) == Array(values.prefix(3)))

        let second = try evaluator()
        let more = EvaluatorTests.archs(4, seed: 99)
        let again = try second.measure(archs + more, space: EvaluatorTests.space.name)
        #expect(Array(again.prefix(10)) == Array(values.prefix(10)))
        #expect(measuredLines() == 14)   // only the four new ones
        #expect(second.measuredCount == 4 && second.storedCount == 10)
        #expect(try MeasurementStore(path: store).summaries().first?.count == 14)
    }

    /// `kill -9` of ofasearch in the middle of measuring loses nothing committed: the rerun
    /// measures only what the store does not hold, and answers as a run without the kill.
    @Test(.enabled(if: EvaluatorTests.python != nil && Executable.ofasearch != nil, "needs python3 and the built executable"))
    func aKilledRunLosesNothingCommitted() throws {
        let folder = TempFolder()
        let log = folder.path + "/measured.jsonl"
        folder.write("slow.yaml", """
        kind: command
        command: [\(EvaluatorTests.python!), \(EvaluatorTests.script), --metric, accuracy, --mode, slow, --delay, "0.15", --log, \(log)]
        batch_size: 4
        """)
        let archs = EvaluatorTests.archs(40, seed: 11)
        folder.write("archs.jsonl", archs.map { $0.json.rendered() + "\n" }.joined())
        func predict() throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try #require(Executable.ofasearch))
            p.arguments = ["predict", "--space", EvaluatorTests.space.name, "--accuracy", folder.path + "/slow.yaml",
                           "--input", folder.path + "/archs.jsonl", "--batch-size", "40"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        func measured() -> Int { folder.read("measured.jsonl").split(separator: "\n").count }
        let first = try predict()
        let deadline = Date().addingTimeInterval(20)
        while measured() < 12 && Date() < deadline { usleep(20_000) }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let before = measured()
        let stored = try MeasurementStore(path: folder.path + "/slow.measurements.sqlite").summaries().first?.count ?? 0
        #expect(stored >= 8 && stored < 40, "stored \(stored) of 40 before the kill")
        #expect(before >= stored)
        let second = try predict()
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        // Only what was not committed is measured again (a batch measured but not yet committed
        // when the kill came is measured twice; nothing committed is).
        #expect(measured() - before == 40 - stored)
        #expect(try MeasurementStore(path: folder.path + "/slow.measurements.sqlite").summaries().first?.count == 40)
    }

    /// A manifest's `accuracy:` may be an evaluator spec: the experiment measures through it, and
    /// a second run of the same manifest measures nothing and gives the same results.
    @Test(.enabled(if: EvaluatorTests.python != nil, EvaluatorTests.skipReason))
    func aManifestSearchesWithAnEvaluatorAndARerunMeasuresNothing() throws {
        let folder = TempFolder()
        let log = folder.path + "/measured.jsonl"
        folder.write("toy.yaml", """
        kind: command
        command: [\(EvaluatorTests.python!), \(EvaluatorTests.script), --metric, accuracy, --log, \(log)]
        batch_size: 32
        """)
        let yaml = """
        name: evaluator
        spaces: [{name: compofa-mbv3-w1.0, resolutions: [160]}]
        accuracy: toy.yaml
        efficiency: macs
        strategies: {exhaustive: {}, evolutionary: {population: 16, generations: 4}}
        targets: [200M, 250M]
        seeds: [0, 1]
        """
        let paths = ManifestPaths(manifestDirectory: folder.path, projectRoot: folder.path, shared: .some(nil))
        var outputs: [String] = []
        for name in ["first", "second"] {
            let catalog = PredictorCatalog()
            let manifest = try ManifestLoader(predictors: catalog, paths: paths).load(yaml: yaml, source: "m.yaml", directory: folder.path)
            var runner = ExperimentRunner(plan: RunPlan(manifest: manifest), predictors: catalog, backend: SearchRunBackend(), output: folder.path + "/" + name)
            runner.jobs = 2
            let summary = try runner.run()
            #expect(summary.failures.isEmpty, "\(summary.failures)")
            outputs.append(withoutTimings(folder.read(name + "/runs.jsonl")))
            // CompOFA w1.0 at one resolution has 243 subnets: each measured once, over both runs.
            #expect(folder.read("measured.jsonl").split(separator: "\n").count == 243)
        }
        #expect(outputs[0] == outputs[1] && !outputs[0].isEmpty)
        #expect(try MeasurementStore(path: folder.path + "/toy.measurements.sqlite").summaries().first?.count == 243)
    }

    /// Export writes what `predictor train` reads: top-1 in % under `top1`, latency under
    /// `latency_ms.KEY`, and the values come back.
    @Test func exportReadsBackAsTrainingData() throws {
        let folder = TempFolder()
        let store = try MeasurementStore(path: folder.path + "/m.sqlite")
        let archs = EvaluatorTests.archs(6, seed: 3)
        let accuracy = EvaluatorIdentity(name: "imagenet val", metric: .accuracy, device: "A100", version: "1")
        try store.record(accuracy, space: "ofa-mbv3-w1.2", archs.enumerated().map { ($1, EvaluatorMeasurement(value: 0.7 + 0.013 * Double($0))) })
        try store.record(Self.toy, space: "ofa-mbv3-w1.2", archs.enumerated().map { ($1, EvaluatorMeasurement(value: 10 + Double($0))) })

        let accPath = folder.write("acc.jsonl", StoreExport.jsonLines(try store.rows(metric: .accuracy), metric: .accuracy))
        let acc = try MeasurementSet.loadJSONLines(path: accPath, target: "top1", rules: .top1(in: EvaluatorTests.space))
        #expect(Set(acc.rows.map(\.arch)) == Set(archs))
        for row in acc.rows {
            let i = archs.firstIndex(of: row.arch)!
            #expect(abs(row.value - (70 + 1.3 * Double(i))) < 1e-9)
        }
        #expect(StoreExport.latencyKey(accuracy) == "imagenet_val")

        let latPath = folder.write("lat.jsonl", StoreExport.jsonLines(try store.rows(metric: .latency), metric: .latency))
        let lat = try MeasurementSet.loadJSONLines(path: latPath, target: "latency_ms.toy", rules: .latency(in: EvaluatorTests.space))
        #expect(lat.rows.count == 6)
        #expect(lat.rows.allSatisfy { $0.value == 10 + Double(archs.firstIndex(of: $0.arch)!) })
    }
}
