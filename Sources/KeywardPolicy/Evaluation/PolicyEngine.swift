import Dispatch
import KeywardCore
import Synchronization

/// Evaluates a policy over the inventory: every rule over every credential it selects, each
/// violation a ``Finding`` with a plain-language message, a remediation and framework references.
///
/// Pure and deterministic: the same items, owners and `now` give the same findings, in the same
/// order, with the same ids, which is what lets ``FindingReconciler`` keep state between
/// evaluations. Large inventories are split into chunks evaluated on all cores; the chunks'
/// findings are put back together in rule order, then item order.
public struct PolicyEngine: Sendable {
    public let policy: Policy
    private let exceptionsByRule: [String: [PolicyException]]

    /// Below this many items one thread is faster than coordinating several.
    static let parallelThreshold = 20_000

    public init(policy: Policy) {
        self.policy = policy
        exceptionsByRule = Dictionary(grouping: policy.exceptions, by: \.rule)
    }

    public func evaluate(_ items: [InventoryItem], owners: OwnerRegistry = OwnerRegistry(), now: Timestamp) -> PolicyEvaluation {
        let judges = policy.rules.map { rule in
            RuleJudge(rule: rule, exceptions: (exceptionsByRule[rule.id] ?? []).filter { $0.isActive(at: now) }, now: now)
        }
        let itemRules = judges.indices.filter { !judges[$0].isPerIdentity }
        let itemJudges = itemRules.map { judges[$0] }
        let chunks = ItemChunk.split(count: items.count, parallel: items.count >= PolicyEngine.parallelThreshold)
        let partials = Mutex<[Int: [RuleOutcome]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let range = chunks[index]
            let outcomes = RuleJudge.evaluate(itemJudges, over: items[range], owners: owners)
            partials.withLock { $0[index] = outcomes }
        }
        let byChunk = partials.withLock { $0 }
        var findings: [Finding] = []
        findings.reserveCapacity(byChunk.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.findings.count } })
        var checks: [CheckResult] = []
        for (ruleIndex, judge) in judges.enumerated() {
            var counts = RuleOutcome()
            if judge.isPerIdentity {
                let outcome = judge.evaluatePerIdentity(items)
                findings.append(contentsOf: outcome.findings)
                counts.addCounts(outcome)
            } else if let slot = itemRules.firstIndex(of: ruleIndex) {
                for chunk in chunks.indices {
                    let outcome = byChunk[chunk]![slot]
                    findings.append(contentsOf: outcome.findings)  // the one copy of each finding
                    counts.addCounts(outcome)
                }
            }
            checks.append(judge.result(counts))
        }
        return PolicyEvaluation(findings: findings, checks: checks, evaluatedAt: now)
    }
}

/// Contiguous slices of the item list, one per unit of parallel work.
enum ItemChunk {
    static func split(count: Int, parallel: Bool) -> [Range<Int>] {
        guard parallel, count > 0 else { return [0..<count] }
        let pieces = max(1, min(count, ProcessorCount.online * 4))
        let size = (count + pieces - 1) / pieces
        return stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
    }
}

/// What one rule produced over some items.
struct RuleOutcome: Sendable {
    var findings: [Finding] = []
    var evaluated = 0
    var failing = 0
    var suppressed = 0

    mutating func addCounts(_ other: RuleOutcome) {
        evaluated += other.evaluated
        failing += other.failing
        suppressed += other.suppressed
    }
}

/// A failed check, in words.
struct Verdict {
    var message: String
    var remediation: String
}
