import Foundation
import Testing
@testable import OFACore
@testable import OFAEvaluators
@testable import OFAExperiments
import OFATestSupport

/// The ONNX Runtime evaluator (scripts/evaluators/ort_evaluator.py, issue 13) in `.venv`, which
/// `make venv` creates from PyPI: its graphs are the network ofasearch counts, and it answers
/// subnet and layer requests. Skipped, saying why, without the environment.
@Suite struct ORTEvaluatorTests {
    static let root = TestData.packageRoot
    static let python = root + "/.venv/bin/python"
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? Executable.run(python, ["-c", "import onnx, onnxruntime, numpy"]).0) == 0
    }()
    static let skipReason: Comment = "no .venv with onnx and onnxruntime (make venv): skipping the ONNX Runtime evaluator tests"

    /// MACs and parameters of the ONNX graphs equal ofasearch's analytic counts (20 random
    /// subnets per space here; docs/evaluators.md states the 200-subnet run).
    @Test(.enabled(if: available && Executable.ofasearch != nil, skipReason))
    func graphsCountLikeOFASearch() throws {
        let (status, out, err) = try Executable.run(Self.python, [Self.root + "/scripts/evaluators/check_ort_counts.py",
                                                                               "--binary", try #require(Executable.ofasearch),
                                                                               "--samples", "20"], in: Self.root)
        #expect(status == 0, "\(err)")
        let lines = out.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(lines.count == SpaceCatalog.names.count)
        for line in lines {
            let obj = try JSONCObject(parsing: String(line))
            #expect(obj["equal"]?.intValue == 20 && obj["different"]?.intValue == 0, "\(line)")
        }
    }

    /// Subnet and layer latencies: positive, the largest subnet slower than the smallest.
    @Test(.enabled(if: available, skipReason))
    func measuresSubnetsAndLayers() throws {
        var spec = try EvaluatorSpec(contentsOf: Self.root + "/scripts/evaluators/ort.yaml")
        spec.store = nil
        spec.command += ["--warmup", "2", "--repeats", "5"]
        let ort = try ExternalEvaluator(spec: spec)
        #expect(ort.identity.metric == .latency && ort.identity.name == "ort-cpu")
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        let ms = try ort.measure([space.smallest(resolution: 128), space.largest(resolution: 224)], space: space.name).map(\.value)
        #expect(ms[0] > 0 && ms[1] > 2 * ms[0], "\(ms)")
        let layers = try ort.measureLayers(["Conv-input:224x224x3-output:112x112x16", "AvgPool2D-input:7x7x960-output:1x1x960"])
        #expect(layers.allSatisfy { $0.value > 0 && $0.value < ms[1] })
    }
}
