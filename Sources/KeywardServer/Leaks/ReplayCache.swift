import Synchronization

/// Signed reports already processed (timestamp and SHA-256 of the body), kept until their
/// timestamp leaves the tolerance window, so the same signed report cannot be processed twice on
/// this node.
///
/// Only successful reports are remembered: a sender whose first attempt failed (a 500, a
/// timeout before the answer) can retry the identical request. Replays inside the window on
/// another node are harmless too: acting on a leak is idempotent (a revoked key is not revoked
/// again). Bounded: past `capacity` live entries, new ones are not remembered.
final class ReplayCache: Sendable {
    private struct State {
        var expiries: [String: Int64] = [:]
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// True when `key` was remembered and has not expired at `nowSeconds`.
    func contains(_ key: String, nowSeconds: Int64) -> Bool {
        state.withLock { state in
            guard let expiry = state.expiries[key] else { return false }
            return expiry > nowSeconds
        }
    }

    func remember(_ key: String, until expiry: Int64, nowSeconds: Int64) {
        state.withLock { state in
            if state.expiries.count >= capacity { state.expiries = state.expiries.filter { $0.value > nowSeconds } }
            guard state.expiries.count < capacity else { return }
            state.expiries[key] = expiry
        }
    }
}
