import OFAXGBoost

/// Checks the trees of a model file before XGBoost loads it: XGBoost trusts its files, and a tree
/// whose split reads feature 10⁹, or whose child links point outside the tree or back up it,
/// makes prediction read out of bounds or loop. The checksum in the provenance catches an
/// accidental change; this catches a file edited with its checksum updated, or made elsewhere.
///
/// Every tree's node arrays are as long as its node count, every node reachable from the root is
/// visited once (so the links form a tree) and names its parent back, inner nodes split on a
/// feature the model has and numerically (no categorical splits), and every threshold, leaf
/// value, weight, gain and hessian sum and the base score are finite.
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
        // ofasearch's models are single-output regressions: one output group, one tree per round.
        func setting(_ node: ModelDocument?, _ key: String) -> Int? { node?[key]?.string.flatMap { Int($0) } ?? node?[key]?.int }
        guard setting(param, "num_class") ?? 0 == 0, setting(param, "num_target") ?? 1 == 1,
              setting(model["gbtree_model_param"], "num_parallel_tree") ?? 1 == 1 else {
            throw bad("not a single-output regression (num_class, num_target or num_parallel_tree)")
        }
        guard let info = model["tree_info"]?.items, info.count == trees.count else {
            throw bad("tree_info does not list one output group per tree")
        }
        // XGBoost indexes its outputs by these: anything but group 0 reads past them.
        if let i = info.firstIndex(where: { $0.int != 0 }) { throw bad("tree \(i) is in output group \(info[i].int.map(String.init) ?? "?"), not 0") }
        for (t, tree) in trees.enumerated() {
            guard tree["id"]?.int == t else { throw bad("tree \(t) carries id \(tree["id"]?.int.map(String.init) ?? "none")") }
            try verifyTree(tree, index: t, features: features, bad: bad)
        }
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
        for key in ["base_weights", "loss_changes", "sum_hessian"] {
            for (i, w) in try list(key).enumerated() where !(w.double?.isFinite ?? false) {
                throw bad("tree \(t): node \(i)'s \(key) entry is not a finite number")
            }
        }
        for (i, v) in try list("default_left").enumerated() where v.int != 0 && v.int != 1 {
            throw bad("tree \(t): node \(i)'s default_left is not 0 or 1")
        }
        // ofasearch trains numerical splits only; a categorical split reads category arrays
        // that would need checking of their own.
        for (i, v) in try list("split_type").enumerated() where v.int != 0 {
            throw bad("tree \(t): node \(i) has a categorical split (split_type \(v.int.map(String.init) ?? "?")), which ofasearch's models do not use")
        }
        for key in ["categories", "categories_nodes", "categories_segments", "categories_sizes"] where !(tree[key]?.items?.isEmpty ?? true) {
            throw bad("tree \(t): \(key) is not empty (categorical splits are not used)")
        }
        // XGBoost walks parent links too: each must be the node that points to it.
        let parents = try list("parents").map { $0.int ?? -2 }
        let noParent: Set<Int> = [-1, Int(Int32.max), Int(Int32.max) - 1]
        for (i, p) in parents.enumerated() where !(0..<n).contains(p) && !noParent.contains(p) {
            throw bad("tree \(t): node \(i)'s parent is \(p) (of \(n) nodes)")
        }
        guard noParent.contains(parents[0]) else { throw bad("tree \(t): the root has parent \(parents[0])") }
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
            guard parents[l] == node, parents[r] == node else {
                throw bad("tree \(t): node \(node)'s children \(l) and \(r) name parents \(parents[l]) and \(parents[r])")
            }
            stack.append(l); stack.append(r)
        }
    }
}
