import KeywardCore
import KeywardGovernance
import KeywardPolicy

/// Which finding rules answer the overview's "needs attention today" questions. Rules are
/// named by whoever writes the policy, so they are grouped by the check they run, plus the
/// fixed rules of offboarding and reviews.
struct AttentionRules {
    var unowned: [String] = [OffboardingPlan.rule]
    var overdueRotation: [String] = []
    var overdueReview: [String] = ["review-overdue", GovernanceService.pendingRevocationRule]

    init(_ policy: Policy) {
        for rule in policy.rules {
            switch rule.check {
            case .requiredOwner, .ownerDeparted: unowned.append(rule.id)
            case .rotationInterval, .maxAge, .maxLifetime: overdueRotation.append(rule.id)
            case .reviewInterval: overdueReview.append(rule.id)
            default: break
            }
        }
    }
}
