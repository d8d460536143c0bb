extension ReviewCampaign {
    public static let overdueRule = "review-overdue"

    /// Counts of answers, overall or for one owner.
    public struct Progress: Sendable, Equatable, Codable {
        public var total = 0
        public var kept = 0
        public var revoked = 0
        public var unanswered = 0

        public init(total: Int = 0, kept: Int = 0, revoked: Int = 0, unanswered: Int = 0) {
            self.total = total
            self.kept = kept
            self.revoked = revoked
            self.unanswered = unanswered
        }

        public var answered: Int { kept + revoked }
        /// Answered share in 0...1; 1 for an empty campaign (nothing left to review).
        public var coverage: Double { total == 0 ? 1 : Double(answered) / Double(total) }

        mutating func add(_ item: ReviewItem) {
            total += 1
            switch item.attestation?.decision {
            case .keep?: kept += 1
            case .revoke?: revoked += 1
            case nil: unanswered += 1
            }
        }
    }

    public var progress: Progress {
        var progress = Progress()
        for item in items { progress.add(item) }
        return progress
    }

    /// Progress per owner (`""` for items without an owner), for reminders and the evidence.
    public var progressByOwner: [String: Progress] {
        var result: [String: Progress] = [:]
        for item in items { result[item.subject.owner ?? "", default: Progress()].add(item) }
        return result
    }

    /// After the due date, every unanswered item is a finding on its credential.
    public func overdueFindings(at now: Timestamp) -> [Finding] {
        guard now > dueAt else { return [] }
        let days = now.seconds(since: dueAt) / 86_400
        return items.filter { $0.attestation == nil }.map { item in
            Finding(
                rule: ReviewCampaign.overdueRule, severity: .medium, subject: item.subject,
                message: "No owner has answered for \(item.name ?? item.subject.externalID ?? item.subject.id) in access review \"\(name)\", due \(dueAt.iso8601) (\(days) days ago).",
                remediation: "\(item.subject.owner ?? "An administrator") should answer keep (with a justification) or revoke: keyward reviews attest \(id) \(item.subject.id) keep --justification … | revoke.",
                frameworks: [.csf("PR.AA-05"), .nhi(1), .cisControls("5.5")], openedAt: now)
        }
    }
}
