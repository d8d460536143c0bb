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
        var perIdentity: [Int: RuleOutcome] = [:]
        for (ruleIndex, judge) in judges.enumerated() where judge.isPerIdentity {
            perIdentity[ruleIndex] = judge.evaluatePerIdentity(items)
        }
        // Every rule's outcome in rule order, then chunk (item) order; their findings are moved,
        // not copied, into the one array (see FindingBuffer).
        var ordered: [[RuleOutcome]] = []
        for ruleIndex in judges.indices {
            if let outcome = perIdentity[ruleIndex] {
                ordered.append([outcome])
            } else if let slot = itemRules.firstIndex(of: ruleIndex) {
                ordered.append(chunks.indices.map { byChunk[$0]![slot] })
            } else {
                ordered.append([])
            }
        }
        let total = ordered.reduce(0) { $0 + $1.reduce(0) { $0 + $1.findings.count } }
        let findings = [Finding](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard var next = buffer.baseAddress else { return }
            for outcomes in ordered {
                for outcome in outcomes {
                    let moved = outcome.findings.moveAll(to: next)
                    next += moved
                    initialized += moved
                }
            }
        }
        var checks: [CheckResult] = []
        for (judge, outcomes) in zip(judges, ordered) {
            var counts = RuleOutcome()
            for outcome in outcomes { counts.addCounts(outcome) }
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
    /// A reference: make one outcome per rule and chunk, never copies of one.
    var findings = FindingBuffer()
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
