import KeywardAPI
import KeywardCore
import Synchronization

/// Slows down an address that keeps presenting bad credentials.
///
/// After `threshold` failures inside `window`, each further failure from that address is
/// answered only after a delay that doubles per failure (100 ms, 200 ms, … capped at 5 s). Only
/// failures are delayed, so a client that fixes its token is served at full speed again, and the
/// delay costs the server nothing but a sleeping task. The table is bounded: when full, expired
/// entries are dropped, and if none have expired the oldest half goes.
public final class FailedAuthThrottle: Sendable {
    struct Entry {
        var failures: Int
        var windowStart: Int64
    }

    let threshold: Int
    let windowMilliseconds: Int64
    let maximumEntries: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(threshold: Int, windowSeconds: Int, maximumEntries: Int = 10_000) {
        self.threshold = threshold
        self.windowMilliseconds = Int64(windowSeconds) * 1000
        self.maximumEntries = maximumEntries
    }

    /// Records a failure and returns how long to wait before answering it (0 when under threshold).
    public func recordFailure(from address: String, at now: Timestamp) -> Duration {
        let failures = entries.withLock { table -> Int in
            let at = now.millisecondsSinceEpoch
            if table.count >= maximumEntries, table[address] == nil {
                table = table.filter { at - $0.value.windowStart < windowMilliseconds }
                if table.count >= maximumEntries {
                    let sorted = table.sorted { $0.value.windowStart < $1.value.windowStart }
                    table = Dictionary(uniqueKeysWithValues: sorted.suffix(maximumEntries / 2).map { ($0.key, $0.value) })
                }
            }
            var entry = table[address] ?? Entry(failures: 0, windowStart: at)
            if at - entry.windowStart >= windowMilliseconds { entry = Entry(failures: 0, windowStart: at) }
            entry.failures += 1
            table[address] = entry
            return entry.failures
        }
        return Self.delay(afterFailures: failures, threshold: threshold)
    }

    public static func delay(afterFailures failures: Int, threshold: Int) -> Duration {
        guard failures > threshold else { return .zero }
        let doublings = min(failures - threshold - 1, 6)
        return .milliseconds(min(100 << doublings, 5000))
    }

    public func failures(from address: String) -> Int { entries.withLock { $0[address]?.failures ?? 0 } }
}
