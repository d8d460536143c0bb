import KeywardAPI
import KeywardCore
import Synchronization

/// Slows down an address that keeps presenting bad credentials, and bounds how many of its
/// failed attempts may be waiting at once.
///
/// After `threshold` failures inside `window`, each further failure from that address is
/// answered only after a delay that doubles per failure (100 ms, 200 ms, … capped at 5 s), and
/// the delays of one address queue behind each other: the answer to a failure comes its delay
/// after the previous failure's answer, not after its own arrival, so sending attempts in
/// parallel gains nothing over sending them in turn. While `maximumWaiting` failures of an
/// address are waiting for their answers, further requests from it are refused (429) before
/// their credential is looked at (``admits(_:)``): so 200 failures sent at once yield a handful
/// of verdicts, not 200 within the 5 s cap. Successes are never delayed, so a client that fixes
/// its token is served at full speed again once its queue has drained.
///
/// The table is bounded: when full, expired entries are dropped, and if none have expired the
/// oldest half goes.
public final class FailedAuthThrottle: Sendable {
    struct Entry {
        var failures: Int
        var windowStart: Int64
        /// Failures whose delayed answer has not gone out yet.
        var waiting = 0
        /// When the last queued failure is answered (milliseconds since the epoch).
        var lastRelease: Int64 = 0
    }

    let threshold: Int
    let windowMilliseconds: Int64
    let maximumEntries: Int
    let maximumWaiting: Int
    private let entries = Mutex<[String: Entry]>([:])
    /// Failures waiting over all addresses: when none are, ``admits(_:)`` takes no lock.
    private let waitingTotal = Atomic<Int>(0)

    public init(threshold: Int, windowSeconds: Int, maximumEntries: Int = 10_000, maximumWaiting: Int = 8) {
        self.threshold = threshold
        self.windowMilliseconds = Int64(windowSeconds) * 1000
        self.maximumEntries = maximumEntries
        self.maximumWaiting = maximumWaiting
    }

    /// Whether a request from `address` may be checked at all: false while `maximumWaiting` of
    /// its failures are still waiting for their answers.
    public func admits(_ address: String) -> Bool {
        guard waitingTotal.load(ordering: .relaxed) > 0 else { return true }
        return entries.withLock { ($0[address]?.waiting ?? 0) < maximumWaiting }
    }

    /// Records a failure and returns how long to wait before answering it (0 when under
    /// threshold). A nonzero wait counts as waiting until ``answered(_:)`` is called for it.
    public func recordFailure(from address: String, at now: Timestamp) -> Duration {
        let wait = entries.withLock { table -> Int64 in
            let at = now.millisecondsSinceEpoch
            if table.count >= maximumEntries, table[address] == nil {
                table = table.filter { at - $0.value.windowStart < windowMilliseconds || $0.value.waiting > 0 }
                if table.count >= maximumEntries {
                    let sorted = table.sorted { $0.value.windowStart < $1.value.windowStart }
                    table = Dictionary(uniqueKeysWithValues: sorted.suffix(maximumEntries / 2).map { ($0.key, $0.value) })
                }
            }
            var entry = table[address] ?? Entry(failures: 0, windowStart: at)
            if at - entry.windowStart >= windowMilliseconds { entry = Entry(failures: 0, windowStart: at, waiting: entry.waiting, lastRelease: entry.lastRelease) }
            entry.failures += 1
            let delay = Self.delayMilliseconds(afterFailures: entry.failures, threshold: threshold)
            var wait: Int64 = 0
            if delay > 0 {
                let release = max(at, entry.lastRelease) + delay
                entry.lastRelease = release
                entry.waiting += 1
                wait = release - at
            }
            table[address] = entry
            return wait
        }
        if wait > 0 { waitingTotal.add(1, ordering: .relaxed) }
        return .milliseconds(wait)
    }

    /// A failure that was given a nonzero wait has been answered (or abandoned).
    public func answered(_ address: String) {
        entries.withLock { table in
            if var entry = table[address], entry.waiting > 0 {
                entry.waiting -= 1
                table[address] = entry
            }
        }
        waitingTotal.subtract(1, ordering: .relaxed)
    }

    public static func delay(afterFailures failures: Int, threshold: Int) -> Duration {
        .milliseconds(delayMilliseconds(afterFailures: failures, threshold: threshold))
    }

    static func delayMilliseconds(afterFailures failures: Int, threshold: Int) -> Int64 {
        guard failures > threshold else { return 0 }
        let doublings = min(failures - threshold - 1, 6)
        return Int64(min(100 << doublings, 5000))
    }

    public func failures(from address: String) -> Int { entries.withLock { $0[address]?.failures ?? 0 } }
}
