extension PolicyBenchmark.Result: CustomStringConvertible {
    /// The lines `keyward bench governance` prints for the policy phase.
    public var description: String {
        func seconds(_ duration: Duration) -> String {
            let (whole, fraction) = duration.components
            let hundredths = Int(((Double(whole) + Double(fraction) / 1e18) * 100).rounded())
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
        }
        return """
        policy evaluation: \(items) items (\(profile.rawValue)), \(rules) rules, \(findings) findings
          generate items:     \(seconds(generation))
          evaluate:           \(seconds(evaluation))
          reconcile (first):  \(seconds(firstReconcile))
          reconcile (steady): \(seconds(steadyReconcile))
        """
    }
}
