import KeywardCore
import KeywardPolicy

/// The policy benchmark behind `keyward bench governance`: evaluate the default policy over a
/// synthetic inventory, then reconcile the findings twice (first evaluation, then a steady-state
/// re-evaluation against the stored result), as the server's hourly job does.
public enum PolicyBenchmark {
    public struct Result: Sendable, Equatable {
        public var items: Int
        public var profile: SyntheticInventory.Profile
        public var rules: Int
        public var findings: Int
        public var generation: Duration
        public var evaluation: Duration
        public var firstReconcile: Duration
        public var steadyReconcile: Duration
    }

    public static func run(items count: Int, profile: SyntheticInventory.Profile = .neglected, now: Timestamp,
                           policy: Policy = DefaultPolicy.load()) -> Result {
        let clock = ContinuousClock()
        var items: [InventoryItem] = []
        let generation = clock.measure { items = SyntheticInventory(count: count, now: now, profile: profile).items() }
        let engine = PolicyEngine(policy: policy)
        var evaluation: PolicyEvaluation?
        let evaluating = clock.measure { evaluation = engine.evaluate(items, now: now) }
        let findings = evaluation?.findings ?? []
        var stored: [Finding] = []
        let first = clock.measure { stored = FindingReconciler.reconcile(previous: [], evaluated: findings, now: now).findings }
        let steady = clock.measure { _ = FindingReconciler.reconcile(previous: stored, evaluated: findings, now: now) }
        return Result(items: count, profile: profile, rules: policy.rules.count, findings: findings.count, generation: generation,
                      evaluation: evaluating, firstReconcile: first, steadyReconcile: steady)
    }
}
