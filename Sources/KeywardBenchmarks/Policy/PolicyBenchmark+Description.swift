extension PolicyBenchmark.Result: CustomStringConvertible {
    /// The lines `keyward bench governance` prints for the policy phase.
    public var description: String {
        func seconds(_ duration: Duration) -> String { "\(duration.seconds.twoDecimals) s" }
        return """
        policy evaluation: \(items) items (\(profile.rawValue)), \(rules) rules, \(findings) findings
          generate items:     \(seconds(generation))
          evaluate:           \(seconds(evaluation))
          reconcile (first):  \(seconds(firstReconcile))
          reconcile (steady): \(seconds(steadyReconcile))
        """
    }
}
