import Synchronization
import Testing
@testable import KeywardStore

/// `GroupCommit` on its own, with a write that records its batches and holds the first one
/// until the test has queued what it wants behind it: no database, no sleeping.
@Suite("Group commit", .timeLimit(.minutes(1)))
struct GroupCommitTests {
    struct Refused: Error, Equatable { var request: Int }

    /// A write that records every batch, refuses any batch holding `refuse`, and keeps the first
    /// batch waiting until ``release()``.
    final class Writer: Sendable {
        private let batches = Mutex<[[Int]]>([])
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation
        let refuse: Int?

        init(refuse: Int? = nil) {
            (gate, opener) = AsyncStream.makeStream(of: Void.self)
            self.refuse = refuse
        }

        var written: [[Int]] { batches.withLock { $0 } }

        func release() { opener.finish() }

        func write(_ batch: [Int]) async throws -> [Int] {
            let first = batches.withLock { batches in
                batches.append(batch)
                return batches.count == 1
            }
            if first { for await _ in gate {} }
            if let refuse, batch.contains(refuse) { throw Refused(request: refuse) }
            return batch.map { $0 * 10 }
        }
    }

    /// Submits `requests` one after another, each once the previous one is queued, so that the
    /// queue holds them in this order; returns the tasks awaiting their answers.
    static func queue(_ requests: [Int], on commit: GroupCommit<Int, Int>, alreadyQueued: Int = 0) async -> [Task<Int, any Error>] {
        var tasks: [Task<Int, any Error>] = []
        for (index, request) in requests.enumerated() {
            tasks.append(Task { try await commit.submit(request) })
            while commit.queued < alreadyQueued + index + 1 { await Task.yield() }
        }
        return tasks
    }

    /// Starts a write of `request` and waits until it is running (it holds the writer's gate).
    static func occupy(_ commit: GroupCommit<Int, Int>, writer: Writer, with request: Int) async -> Task<Int, any Error> {
        let task = Task { try await commit.submit(request) }
        while writer.written.isEmpty { await Task.yield() }
        return task
    }

    @Test("requests that arrive during a write share the next one; each caller gets its own answer")
    func burstSharesOneWrite() async throws {
        let writer = Writer()
        let commit = GroupCommit<Int, Int>(capacity: 100, write: writer.write)
        let running = await Self.occupy(commit, writer: writer, with: 0)
        let burst = await Self.queue(Array(1...9), on: commit)
        #expect(writer.written == [[0]], "nothing else is written while the first write runs")
        writer.release()
        #expect(try await running.value == 0)
        for (index, task) in burst.enumerated() { #expect(try await task.value == (index + 1) * 10) }
        #expect(writer.written == [[0], Array(1...9)])
    }

    @Test("a batch holds what fits in the capacity, in arrival order; a request heavier than the capacity goes alone")
    func capacityByWeight() async throws {
        let writer = Writer()
        let commit = GroupCommit<Int, Int>(capacity: 10, weight: { $0 }, write: writer.write)
        let running = await Self.occupy(commit, writer: writer, with: 1)
        let queued = await Self.queue([3, 4, 5, 20, 2], on: commit)
        writer.release()
        _ = try await running.value
        #expect(try await queued.asyncMap { try await $0.value } == [30, 40, 50, 200, 20])
        #expect(writer.written == [[1], [3, 4], [5], [20], [2]])
    }

    @Test("a batch that fails is written again request by request: only the bad request fails")
    func failingBatchIsSplit() async throws {
        let writer = Writer(refuse: 7)
        let commit = GroupCommit<Int, Int>(capacity: 100, write: writer.write)
        let running = await Self.occupy(commit, writer: writer, with: 1)
        let queued = await Self.queue([6, 7, 8], on: commit)
        writer.release()
        #expect(try await running.value == 10)
        #expect(try await queued[0].value == 60)
        await #expect(throws: Refused(request: 7)) { try await queued[1].value }
        #expect(try await queued[2].value == 80)
        #expect(writer.written == [[1], [6, 7, 8], [6], [7], [8]])
    }

    @Test("a lone request that fails gets its error, and the next request starts a new write")
    func loneFailure() async throws {
        let writer = Writer(refuse: 5)
        let commit = GroupCommit<Int, Int>(capacity: 100, write: writer.write)
        writer.release()
        await #expect(throws: Refused(request: 5)) { try await commit.submit(5) }
        #expect(try await commit.submit(6) == 60)
        #expect(writer.written == [[5], [6]])
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
