import Synchronization

/// The bytes all connections' ``VerifyFastPath``s may hold at once in bodies they have not yet
/// authenticated. A verification that would pass it goes to the router instead, which
/// authenticates before it reads a body: so a crowd of connections each sending most of a
/// verify body and then nothing costs at most this much memory, not 16 KiB times their number.
final class VerifyBufferBudget: Sendable {
    private let remaining: Atomic<Int>

    init(bytes: Int) {
        remaining = Atomic(bytes)
    }

    /// Takes `bytes` from the budget; false, taking nothing, when fewer remain.
    func reserve(_ bytes: Int) -> Bool {
        var current = remaining.load(ordering: .relaxed)
        while current >= bytes {
            let (exchanged, original) = remaining.compareExchange(expected: current, desired: current - bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        remaining.add(bytes, ordering: .relaxed)
    }

    var available: Int { remaining.load(ordering: .relaxed) }
}
