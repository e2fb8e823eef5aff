/// A budget as written by a user: a number (`25` ms, `3e8` MACs) or a number with a K, M or G
/// suffix (`300M` = 3e8), read the same way by the command line and by manifests.
///
/// ```swift
/// BudgetText.value("300M")   // 3e8
/// BudgetText.value("12.5")   // 12.5
/// BudgetText.value("-1")     // nil: a budget is positive
/// ```
public enum BudgetText {
    public static func value(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        var scale = 1.0
        var digits = Substring(t)
        if let last = t.last, let s = ["K": 1e3, "M": 1e6, "G": 1e9][String(last).uppercased()] {
            scale = s
            digits = digits.dropLast()
        }
        guard let v = Double(digits), v.isFinite, v > 0, (v * scale).isFinite else { return nil }
        return v * scale
    }
}
