/// What `keyward owners offboard OWNER` must do, computed without touching anything: revoke
/// the departing owner's live keyward keys, and raise a finding for each of their live external
/// credentials (keyward cannot revoke those at the provider, so a person must).
///
/// The store carries out `keysToRevoke` and `findings` in one transaction and reports the plan.
public struct OffboardingPlan: Sendable, Equatable {
    public static let rule = "owner-offboarded"

    public var owner: String
    public var keysToRevoke: [FindingSubject]
    public var findings: [Finding]
    /// Credentials of the owner that are no longer live; listed so the report is complete.
    public var alreadyInactive: [FindingSubject]

    /// `aliases` are the owner's identities elsewhere (``OwnerEntry/aliases``): an external
    /// credential of one of them is the owner's too, whatever its owner field says. keyward keys
    /// are matched by owner only, as their bulk revocation is.
    public init(owner: String, aliases: [String] = [], items: [InventoryItem], now: Timestamp) {
        self.owner = owner
        var revoke: [FindingSubject] = []
        var findings: [Finding] = []
        var inactive: [FindingSubject] = []
        let identities = Set(aliases.map(OwnerHandle.folded))
        func belongs(_ item: InventoryItem) -> Bool {
            if OwnerHandle.same(item.owner, owner) { return true }
            guard item.subject.kind != .key, let identity = item.identity else { return false }
            return identities.contains(OwnerHandle.folded(identity))
        }
        for item in items where belongs(item) {
            guard item.status.isLive else {
                inactive.append(item.subject)
                continue
            }
            if item.subject.kind == .key {
                revoke.append(item.subject)
            } else {
                let name = item.subject.externalID ?? item.name ?? item.subject.id
                findings.append(Finding(
                    rule: OffboardingPlan.rule, severity: .high, subject: item.subject,
                    message: "\(item.provider.rawValue) credential \(name) belongs to \(owner), who has been offboarded, and is still active.",
                    remediation: "Revoke or disable it at \(item.provider.rawValue), or hand it to a new owner and record that owner in keyward.",
                    frameworks: [.nhi(1), .csf("PR.AA-01"), .csf("ID.AM-08")], openedAt: now))
            }
        }
        keysToRevoke = revoke
        self.findings = findings
        alreadyInactive = inactive
    }
}
