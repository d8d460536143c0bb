import Synchronization

/// Bounds the leak reports one node works on at once. Entering never waits: a full gate is
/// answered 429 at once, so a flood costs a counter increment per refused request.
final class LeakGate: Sendable {
    let limit: Int
    private let inFlight = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// True when the caller may proceed; it must then call ``leave()`` exactly once.
    func tryEnter() -> Bool {
        while true {
            let current = inFlight.load(ordering: .relaxed)
            guard current < limit else { return false }
            if inFlight.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing).exchanged { return true }
        }
    }

    func leave() {
        inFlight.subtract(1, ordering: .releasing)
    }

    var current: Int { inFlight.load(ordering: .relaxed) }
}
