import KeywardCore
import Synchronization

/// Group commit for new keys: issues that arrive while a write is in progress are written
/// together, in one transaction with one multi-row INSERT and one audit append.
///
/// An issue needs no read (its rules were applied before it got here), so many can share a
/// transaction without changing what any of them means. Each caller still waits for the commit
/// of its own batch before it is told its key exists. If a batch fails as a whole, its members are
/// retried one by one, so one bad record cannot sink the others.
final class IssueBatcher: Sendable {
    typealias Item = (record: KeyRecord, audit: AuditDraft)
    /// Rows per INSERT statement, well under both databases' bind-parameter limits (23 per row).
    static let maximumBatch = 400

    private struct State {
        var pending: [(item: Item, continuation: CheckedContinuation<Void, any Error>)] = []
        var draining = false
    }

    private let state = Mutex(State())
    private let write: @Sendable ([Item]) async throws -> Void

    /// - Parameter write: writes a batch in one transaction.
    init(write: @escaping @Sendable ([Item]) async throws -> Void) {
        self.write = write
    }

    func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startDrain = state.withLock { state -> Bool in
                state.pending.append((item, continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [(item: Item, continuation: CheckedContinuation<Void, any Error>)] in
                let taken = Array(state.pending.prefix(IssueBatcher.maximumBatch))
                state.pending.removeFirst(taken.count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                try await write(batch.map(\.item))
                for member in batch { member.continuation.resume() }
            } catch where batch.count > 1 {
                for member in batch {
                    do {
                        try await write([member.item])
                        member.continuation.resume()
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
