import KeywardStore
import Synchronization

/// The overview's finding counts, kept until the audit chain moves.
///
/// Counting half a million findings is the most expensive part of the overview, and findings
/// change only in transactions that also append an audit event (evaluations, imports,
/// acknowledgements, reviews, leaks, anomalies). The head of the chain is one indexed row, on
/// every node the same, so a cached count is reused exactly as long as nothing was written.
/// The panels' counts of distinct credentials are kept the same way, per group of rules.
final class FindingCountsCache: Sendable {
    private struct Entry {
        var sequence: Int64
        var counts: DashboardFindingCounts
        /// Credentials with an open finding of a group of rules, by the group's sorted rule ids.
        var subjects: [String: Int] = [:]
    }

    private let entry = Mutex<Entry?>(nil)

    func counts(from store: SQLStore) async throws -> DashboardFindingCounts {
        let sequence = try await store.auditHeadSequence()
        if let cached = entry.withLock({ $0 }), cached.sequence == sequence { return cached.counts }
        let counts = try await store.dashboardFindingCounts()
        entry.withLock { $0 = Entry(sequence: sequence, counts: counts) }
        return counts
    }

    /// ``SQLStore/dashboardOpenSubjectCount(rules:)``, reused while the chain has not moved.
    func openSubjects(rules: [String], from store: SQLStore) async throws -> Int {
        let key = Set(rules).sorted().joined(separator: "\n")
        let sequence = try await store.auditHeadSequence()
        if let cached = entry.withLock({ $0?.sequence == sequence ? $0?.subjects[key] : nil }) { return cached }
        let count = try await store.dashboardOpenSubjectCount(rules: rules)
        entry.withLock { if $0?.sequence == sequence { $0?.subjects[key] = count } }
        return count
    }

    func forget() { entry.withLock { $0 = nil } }
}
