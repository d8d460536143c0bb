import Synchronization

/// Group commit: requests that arrive while a write is running are written together in the
/// next one, so a burst costs a few transactions instead of one each.
///
/// The first request to arrive when nothing is being written starts a drain; every request
/// that arrives meanwhile joins the queue, and each turn of the drain takes as many queued
/// requests, in arrival order, as fit in `capacity` (measured by `weight`; a single request
/// heavier than the capacity goes alone) and hands them to `write` as one batch.
///
/// Each caller waits for the commit of the batch that holds its request and is answered with
/// its own element of what `write` returned, so an acknowledged request is durable. When a batch
/// fails as a whole its requests are written again one by one, so one bad request cannot sink
/// the others: each caller gets its own answer or its own error.
///
/// ```swift
/// let issues = GroupCommit<KeyRecord, Void>(capacity: 400) { records in
///     try await store.backend.write { db in try await KeyRow.insert(records, on: db) }
///     return records.map { _ in () }
/// }
/// try await issues.submit(record)
/// ```
public final class GroupCommit<Request: Sendable, Answer: Sendable>: Sendable {
    public typealias Write = @Sendable ([Request]) async throws -> [Answer]

    private struct Pending {
        var request: Request
        var weight: Int
        var continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var draining = false
    }

    /// Most total weight per batch.
    public let capacity: Int
    private let weight: @Sendable (Request) -> Int
    private let write: Write
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: the most total weight one batch may hold (a single heavier request is
    ///     still written, alone).
    ///   - weight: what one request counts against the capacity; one by default, so the
    ///     capacity is a count of requests.
    ///   - write: writes a batch in one transaction and returns one answer per request, in order.
    public init(capacity: Int, weight: @escaping @Sendable (Request) -> Int = { _ in 1 }, write: @escaping Write) {
        precondition(capacity > 0, "a group commit needs room for at least one request")
        self.capacity = capacity
        self.weight = weight
        self.write = write
    }

    /// Queues `request`, and returns its answer once the batch that holds it has committed.
    public func submit(_ request: Request) async throws -> Answer {
        let weight = self.weight(request)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, any Error>) in
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(Pending(request: request, weight: weight, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    /// Requests waiting for a batch (not those being written): for tests that need to know that
    /// a burst has queued up before they let the running write finish.
    var queued: Int { state.withLock { $0.pending.count } }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                var count = 0
                var total = 0
                while count < state.pending.count, count == 0 || total + state.pending[count].weight <= capacity {
                    total += state.pending[count].weight
                    count += 1
                }
                let taken = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                let answers = try await write(batch.map(\.request))
                // A programming error, not a failure: the batch has committed and must not be retried.
                precondition(answers.count == batch.count, "a group commit's write must answer once per request")
                for (member, answer) in zip(batch, answers) { member.continuation.resume(returning: answer) }
            } catch where batch.count > 1 {
                for member in batch {
                    do {
                        let answers = try await write([member.request])
                        precondition(answers.count == 1, "a group commit's write must answer once per request")
                        member.continuation.resume(returning: answers[0])
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

