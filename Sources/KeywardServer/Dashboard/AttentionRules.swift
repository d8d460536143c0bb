import KeywardCore
import KeywardGovernance
import KeywardPolicy

/// Which finding rules answer the overview's "needs attention today" questions. Rules are
/// named by whoever writes the policy, so they are grouped by the check they run, plus the
/// fixed rules of offboarding and reviews. Each group answers one question, so a credential
/// without an owner and one whose owner has left are different panels (the second needs a new
/// owner or a revocation, the first somebody to claim it), and "rotation overdue" holds the
/// rotation check alone (lifetime and expiry rules are not rotations).
struct AttentionRules {
    enum Group: String, CaseIterable {
        case unowned, departed, rotation, review
    }

    var unowned: [String] = []
    var departed: [String] = [OffboardingPlan.rule]
    var overdueRotation: [String] = []
    var overdueReview: [String] = ["review-overdue", GovernanceService.pendingRevocationRule]

    init(_ policy: Policy) {
        for rule in policy.rules {
            switch rule.check {
            case .requiredOwner: unowned.append(rule.id)
            case .ownerDeparted: departed.append(rule.id)
            case .rotationInterval: overdueRotation.append(rule.id)
            case .reviewInterval: overdueReview.append(rule.id)
            default: break
            }
        }
    }

    func rules(_ group: Group) -> [String] {
        switch group {
        case .unowned: return unowned
        case .departed: return departed
        case .rotation: return overdueRotation
        case .review: return overdueReview
        }
    }
}
