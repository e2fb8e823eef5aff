/// Checks the trees of a loaded booster before it predicts: XGBoost trusts its model files, and
/// a tree whose split reads feature 10⁹, or whose child links point outside the tree or back up
/// it, makes prediction read out of bounds or loop. The checksum in the provenance catches an
/// accidental change; this catches a file edited with its checksum updated, or made elsewhere.
///
/// It reads the model's JSON form: every tree's node arrays are as long as its node count, every
/// node reachable from the root is visited once (so the links form a tree), inner nodes split on
/// a feature the model has, and every threshold and leaf value is finite.
///
/// ```swift
/// try TreeCheck.verify(booster, features: 43, location: "predictors/ofa-mbv3-w1.0-top1")
/// ```
enum TreeCheck {
    static func verify(_ booster: Booster, features: Int, location: String) throws(XGBoostError) {
        let text = String(decoding: try booster.serialized(.json), as: UTF8.self)
        func bad(_ why: String) -> XGBoostError { .model(path: location, reason: "the model's trees are damaged: \(why)") }
        let doc: JSONCObject
        do { doc = try JSONCObject(parsing: text) } catch { throw bad("its JSON form does not parse (\(error))") }
        guard let learner = doc["learner"], let model = learner["gradient_booster"]?["model"],
              let trees = model["trees"], trees.isArray else { throw bad("no learner.gradient_booster.model.trees") }
        if let base = learner["learner_model_param"]?["base_score"]?.stringValue, !(Double(base)?.isFinite ?? false) {
            throw bad("base_score is '\(base)'")
        }
        for t in 0..<trees.count {
            guard let tree = trees[t] else { throw bad("tree \(t) is null") }
            try verifyTree(tree, index: t, features: features, bad: bad)
        }
    }

    private static func verifyTree(_ tree: JSONCObject, index t: Int, features: Int, bad: (String) -> XGBoostError) throws(XGBoostError) {
        guard let nodesText = tree["tree_param"]?["num_nodes"]?.stringValue, let n = Int(nodesText), n >= 1, n <= 1 << 24 else {
            throw bad("tree \(t) has no valid tree_param.num_nodes")
        }
        func ints(_ key: String) throws(XGBoostError) -> [Int] {
            do {
                let v = try tree.intArray(key)
                guard v.count == n else { throw bad("tree \(t): \(key) has \(v.count) entries for \(n) nodes") }
                return v
            } catch let e as XGBoostError { throw e } catch { throw bad("tree \(t): \(error)") }
        }
        let left = try ints("left_children"), right = try ints("right_children"), split = try ints("split_indices")
        let conditions: [Double]
        do { conditions = try tree.doubleArray("split_conditions") } catch { throw bad("tree \(t): \(error)") }
        guard conditions.count == n else { throw bad("tree \(t): split_conditions has \(conditions.count) entries for \(n) nodes") }
        var visited = [Bool](repeating: false, count: n)
        var stack = [0]
        while let node = stack.popLast() {
            guard !visited[node] else { throw bad("tree \(t): node \(node) is reached twice") }
            visited[node] = true
            let l = left[node], r = right[node]
            if l == -1 && r == -1 { continue }   // a leaf: its value is split_conditions[node], checked finite
            guard (1..<n).contains(l), (1..<n).contains(r), l != r else {
                throw bad("tree \(t): node \(node) has children \(l) and \(r) (of \(n) nodes)")
            }
            guard (0..<features).contains(split[node]) else {
                throw bad("tree \(t): node \(node) splits on feature \(split[node]); the model has \(features)")
            }
            stack.append(l); stack.append(r)
        }
    }
}
