import KeywardStore
import Synchronization

/// The overview's finding counts, kept until the audit chain moves.
///
/// Counting half a million findings is the most expensive part of the overview, and findings
/// change only in transactions that also append an audit event (evaluations, imports,
/// acknowledgements, reviews, leaks, anomalies). The head of the chain is one indexed row, on
/// every node the same, so a cached count is reused exactly as long as nothing was written.
final class FindingCountsCache: Sendable {
    private let entry = Mutex<(sequence: Int64, counts: DashboardFindingCounts)?>(nil)

    func counts(from store: SQLStore) async throws -> DashboardFindingCounts {
        let sequence = try await store.auditHeadSequence()
        if let cached = entry.withLock({ $0 }), cached.sequence == sequence { return cached.counts }
        let counts = try await store.dashboardFindingCounts()
        entry.withLock { $0 = (sequence, counts) }
        return counts
    }

    func forget() { entry.withLock { $0 = nil } }
}
