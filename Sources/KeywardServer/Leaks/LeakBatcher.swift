import KeywardCore
import KeywardStore
import Synchronization

/// Group commit for leak reports: reports that arrive while a leak transaction is running are
/// acted on together in the next one (one key look-up, one UPDATE per reporter, one audit
/// append), which is what keeps a flood of reports from queueing one transaction each.
///
/// Each caller still waits for the commit that contains its report before it answers, so an
/// accepted report (200) is durable. If a combined transaction fails, its reports are retried
/// one by one, so one bad report cannot sink the others.
final class LeakBatcher: Sendable {
    typealias Outcomes = [LeakOutcome]
    /// Sightings per transaction: bounded so that one transaction stays short.
    static let maximumSightings = 5000

    private struct Pending {
        var report: LeakReportBatch
        var continuation: CheckedContinuation<Outcomes, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var draining = false
    }

    private let state = Mutex(State())
    private let write: @Sendable ([LeakReportBatch]) async throws -> [Outcomes]

    init(write: @escaping @Sendable ([LeakReportBatch]) async throws -> [Outcomes]) {
        self.write = write
    }

    func submit(_ report: LeakReportBatch) async throws -> Outcomes {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcomes, any Error>) in
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(Pending(report: report, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                var sightings = 0
                var count = 0
                // Always at least one report, however large (its own size is bounded by the route).
                while count < state.pending.count, count == 0 || sightings + state.pending[count].report.sightings.count <= Self.maximumSightings {
                    sightings += state.pending[count].report.sightings.count
                    count += 1
                }
                let taken = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await write(batch.map(\.report))
                for (member, outcome) in zip(batch, outcomes) { member.continuation.resume(returning: outcome) }
            } catch where batch.count > 1 {
                for member in batch {
                    do {
                        member.continuation.resume(returning: try await write([member.report])[0])
                    } catch {
                        member.continuation.resume(throwing: error)
                    }
                }
            } catch {
                batch[0].continuation.resume(throwing: error)
            }
        }
    }
}
