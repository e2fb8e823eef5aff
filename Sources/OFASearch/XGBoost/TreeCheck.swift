/// Checks the trees of a model file before XGBoost loads it: XGBoost trusts its files, and a tree
/// whose split reads feature 10⁹, or whose child links point outside the tree or back up it,
/// makes prediction read out of bounds or loop. The checksum in the provenance catches an
/// accidental change; this catches a file edited with its checksum updated, or made elsewhere.
///
/// Every tree's node arrays are as long as its node count, every node reachable from the root is
/// visited once (so the links form a tree), inner nodes split on a feature the model has, and
/// every threshold, leaf value and the base score are finite.
///
/// ```swift
/// try TreeCheck.verify(try ModelDocument(ubjson: data), features: 68, location: "predictors/ofa-mbv3-w1.0-top1")
/// ```
enum TreeCheck {
    static func verify(_ doc: ModelDocument, features: Int, location: String) throws(XGBoostError) {
        func bad(_ why: String) -> XGBoostError { .model(path: location, reason: "the model file is damaged: \(why)") }
        guard let learner = doc["learner"], let model = learner["gradient_booster"]?["model"],
              let trees = model["trees"]?.items else { throw bad("no learner.gradient_booster.model.trees") }
        guard let param = learner["learner_model_param"] else { throw bad("no learner.learner_model_param") }
        guard let n = param["num_feature"]?.string.flatMap({ Int($0) }) ?? param["num_feature"]?.int, n == features else {
            throw bad("learner_model_param.num_feature is not \(features), the feature count of its encoding")
        }
        if let base = param["base_score"]?.string, !(Double(base)?.isFinite ?? false) { throw bad("base_score is '\(base)'") }
        if let count = model["gbtree_model_param"]?["num_trees"]?.string.flatMap({ Int($0) }), count != trees.count {
            throw bad("num_trees is \(count) but \(trees.count) trees are stored")
        }
        if let info = model["tree_info"]?.items, info.count != trees.count {
            throw bad("tree_info has \(info.count) entries for \(trees.count) trees")
        }
        for (t, tree) in trees.enumerated() { try verifyTree(tree, index: t, features: features, bad: bad) }
    }

    private static func verifyTree(_ tree: ModelDocument, index t: Int, features: Int, bad: (String) -> XGBoostError) throws(XGBoostError) {
        guard let n = tree["tree_param"]?["num_nodes"]?.string.flatMap({ Int($0) }), n >= 1, n <= 1 << 24 else {
            throw bad("tree \(t) has no valid tree_param.num_nodes")
        }
        func list(_ key: String) throws(XGBoostError) -> [ModelDocument] {
            guard let v = tree[key]?.items, v.count == n else { throw bad("tree \(t): \(key) is not a list of \(n) entries") }
            return v
        }
        let left = try list("left_children").map { $0.int ?? -2 }, right = try list("right_children").map { $0.int ?? -2 }
        let split = try list("split_indices").map { $0.int ?? -1 }
        for (i, c) in try list("split_conditions").enumerated() where !(c.double?.isFinite ?? false) {
            throw bad("tree \(t): node \(i)'s split condition or leaf value is not a finite number")
        }
        for (i, w) in try list("base_weights").enumerated() where !(w.double?.isFinite ?? false) {
            throw bad("tree \(t): node \(i)'s base weight is not a finite number")
        }
        var visited = [Bool](repeating: false, count: n)
        var stack = [0]
        while let node = stack.popLast() {
            guard !visited[node] else { throw bad("tree \(t): node \(node) is reached twice") }
            visited[node] = true
            let l = left[node], r = right[node]
            if l == -1 && r == -1 { continue }   // a leaf
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
